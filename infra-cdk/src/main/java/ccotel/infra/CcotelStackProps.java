package ccotel.infra;

/**
 * What the stack is built from, and the few choices a deployment may want to change.
 *
 * @param functionsAssetPath the functions' Lambda jar, relative to the CDK app's working directory
 * @param ingestRateLimit steady requests per second API Gateway lets through before answering 429
 *     (10,000 developers exporting metrics every 60 s and logs every 5 s send about 2,200/s)
 * @param ingestBurstLimit requests API Gateway lets through in a burst
 * @param aggregatorConcurrency the most aggregator instances SQS starts at once
 */
public record CcotelStackProps(
    String functionsAssetPath,
    int ingestRateLimit,
    int ingestBurstLimit,
    int aggregatorConcurrency) {

  public static final int DEFAULT_RATE_LIMIT = 5_000;
  public static final int DEFAULT_BURST_LIMIT = 10_000;
  public static final int DEFAULT_AGGREGATOR_CONCURRENCY = 20;

  public CcotelStackProps {
    if (functionsAssetPath == null || functionsAssetPath.isBlank()) {
      throw new IllegalArgumentException("functionsAssetPath is blank");
    }
    if (ingestRateLimit < 1 || ingestBurstLimit < 1) {
      throw new IllegalArgumentException("throttling limits must be positive");
    }
    if (aggregatorConcurrency < 2 || aggregatorConcurrency > 1000) {
      throw new IllegalArgumentException("SQS event sources take 2 to 1000 concurrent instances");
    }
  }

  public CcotelStackProps(String functionsAssetPath) {
    this(
        functionsAssetPath,
        DEFAULT_RATE_LIMIT,
        DEFAULT_BURST_LIMIT,
        DEFAULT_AGGREGATOR_CONCURRENCY);
  }
}
