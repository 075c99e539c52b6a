package ccotel.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;

/** The CDK app: cdk.json runs {@link #main}, the tests call {@link #define}. */
public final class CcotelApp {

  /** The stack's id, hence cdk.out/Ccotel.template.json, which samconfig.toml reads. */
  public static final String STACK_ID = "Ccotel";

  /** Context key for the functions' Lambda jar: {@code npx cdk synth -c functionsAsset=PATH}. */
  public static final String FUNCTIONS_ASSET_CONTEXT = "functionsAsset";

  /** The jar functions/lambda's shade plugin attaches, seen from infra-cdk/ (cdk's cwd). */
  public static final String DEFAULT_FUNCTIONS_ASSET =
      "../functions/lambda/target/ccotel-functions-0.1.0-SNAPSHOT-lambda.jar";

  private CcotelApp() {}

  public static void main(String[] args) {
    App app = new App();
    define(app);
    app.synth();
  }

  /** Adds the ccotel stack to {@code app}, with cdk-nag's AWS Solutions rules over all of it. */
  static CcotelStack define(App app) {
    Object asset = app.getNode().tryGetContext(FUNCTIONS_ASSET_CONTEXT);
    String assetPath = asset == null ? DEFAULT_FUNCTIONS_ASSET : asset.toString();
    CcotelStack stack = new CcotelStack(app, STACK_ID, new CcotelStackProps(assetPath));
    // A rule's error becomes an error annotation, which fails `cdk synth` and the tests.
    Aspects.of(app).add(new AwsSolutionsChecks());
    return stack;
  }
}
