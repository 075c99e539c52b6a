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

  /**
   * Context key for the stopped-sending alarm's hours: {@code npx cdk deploy -c
   * silenceAlarmHours=72}.
   */
  public static final String SILENCE_ALARM_HOURS_CONTEXT = "silenceAlarmHours";

  /**
   * System property naming the jar when no context does: infra-cdk's pom sets it for {@code cdk
   * synth} (cdk.json runs exec:java) from the build's version, so no version is written here.
   */
  public static final String FUNCTIONS_ASSET_PROPERTY = "ccotel.functionsAsset";

  private CcotelApp() {}

  public static void main(String[] args) {
    App app = new App();
    define(app);
    app.synth();
  }

  /** Adds the ccotel stack to {@code app}, with cdk-nag's AWS Solutions rules over all of it. */
  static CcotelStack define(App app) {
    Object asset = app.getNode().tryGetContext(FUNCTIONS_ASSET_CONTEXT);
    String assetPath =
        asset != null ? asset.toString() : System.getProperty(FUNCTIONS_ASSET_PROPERTY);
    if (assetPath == null) {
      throw new IllegalStateException(
          "no functions jar: run `npx cdk synth` in infra-cdk (its pom names the jar), or pass -c "
              + FUNCTIONS_ASSET_CONTEXT
              + "=PATH");
    }
    CcotelStack stack =
        new CcotelStack(app, STACK_ID, new CcotelStackProps(assetPath, silenceAlarmHours(app)));
    // A rule's error becomes an error annotation, which fails `cdk synth` and the tests.
    Aspects.of(app).add(new AwsSolutionsChecks());
    return stack;
  }

  private static int silenceAlarmHours(App app) {
    Object hours = app.getNode().tryGetContext(SILENCE_ALARM_HOURS_CONTEXT);
    if (hours == null) {
      return CcotelStackProps.DEFAULT_SILENCE_ALARM_HOURS;
    }
    try {
      return Integer.parseInt(hours.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          SILENCE_ALARM_HOURS_CONTEXT + " must be a whole number of hours, not '" + hours + "'");
    }
  }
}
