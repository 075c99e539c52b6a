package ccotel.infra;

/**
 * What the stack is built from.
 *
 * @param functionsAssetPath the functions' Lambda jar, relative to the CDK app's working directory
 */
public record CcotelStackProps(String functionsAssetPath) {

  public CcotelStackProps {
    if (functionsAssetPath == null || functionsAssetPath.isBlank()) {
      throw new IllegalArgumentException("functionsAssetPath is blank");
    }
  }
}
