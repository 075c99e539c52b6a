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
   * Context keys for the ceiling of a deployment (docs/capacity.md): API Gateway's steady rate and
   * burst on the stage ({@code -c ingestRateLimit=25000 -c ingestBurstLimit=50000}), and the most
   * aggregator instances SQS starts at once ({@code -c aggregatorConcurrency=200}).
   */
  public static final String INGEST_RATE_LIMIT_CONTEXT = "ingestRateLimit";

  public static final String INGEST_BURST_LIMIT_CONTEXT = "ingestBurstLimit";
  public static final String AGGREGATOR_CONCURRENCY_CONTEXT = "aggregatorConcurrency";

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
        new CcotelStack(
            app,
            STACK_ID,
            new CcotelStackProps(
                assetPath,
                wholeNumber(app, INGEST_RATE_LIMIT_CONTEXT, CcotelStackProps.DEFAULT_RATE_LIMIT),
                wholeNumber(app, INGEST_BURST_LIMIT_CONTEXT, CcotelStackProps.DEFAULT_BURST_LIMIT),
                wholeNumber(
                    app,
                    AGGREGATOR_CONCURRENCY_CONTEXT,
                    CcotelStackProps.DEFAULT_AGGREGATOR_CONCURRENCY),
                wholeNumber(
                    app,
                    SILENCE_ALARM_HOURS_CONTEXT,
                    CcotelStackProps.DEFAULT_SILENCE_ALARM_HOURS)));
    // A rule's error becomes an error annotation, which fails `cdk synth` and the tests.
    Aspects.of(app).add(new AwsSolutionsChecks());
    return stack;
  }

  /** A context value that must be a whole number; the props judge its range. */
  private static int wholeNumber(App app, String key, int otherwise) {
    Object value = app.getNode().tryGetContext(key);
    if (value == null) {
      return otherwise;
    }
    try {
      return Integer.parseInt(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'");
    }
  }
}
