package ccotel.infra;

/**
 * What the stack is built from, and the few choices a deployment may want to change.
 *
 * @param functionsAssetPath the functions' Lambda jar, relative to the CDK app's working directory
 * @param ingestRateLimit steady requests per second API Gateway lets through before answering 429
 *     (100,000 developers at the generated settings' 300 s export intervals send about 700/s while
 *     all work at once; at Claude Code's own 60 s / 5 s about 16,000/s: docs/capacity.md)
 * @param ingestBurstLimit requests API Gateway lets through in a burst
 * @param aggregatorConcurrency the most aggregator instances SQS starts at once
 * @param silenceAlarmHours hours without one accepted export after which the stopped-sending alarm
 *     fires (1 to 168: CloudWatch evaluates at most 7 days of hourly periods)
 */
public record CcotelStackProps(
    String functionsAssetPath,
    int ingestRateLimit,
    int ingestBurstLimit,
    int aggregatorConcurrency,
    int silenceAlarmHours) {

  public static final int DEFAULT_RATE_LIMIT = 5_000;
  public static final int DEFAULT_BURST_LIMIT = 10_000;
  public static final int DEFAULT_AGGREGATOR_CONCURRENCY = 20;

  /**
   * A day: long enough that a quiet night does not raise it, short enough that an ingest outage is
   * seen the next working day. Organisations idle at weekends set 72 (README, Operating it).
   */
  public static final int DEFAULT_SILENCE_ALARM_HOURS = 24;

  public static final int MAX_SILENCE_ALARM_HOURS = 168;

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
    if (silenceAlarmHours < 1 || silenceAlarmHours > MAX_SILENCE_ALARM_HOURS) {
      throw new IllegalArgumentException(
          "the stopped-sending alarm waits 1 to "
              + MAX_SILENCE_ALARM_HOURS
              + " hours, not "
              + silenceAlarmHours);
    }
  }

  public CcotelStackProps(String functionsAssetPath) {
    this(functionsAssetPath, DEFAULT_SILENCE_ALARM_HOURS);
  }

  public CcotelStackProps(String functionsAssetPath, int silenceAlarmHours) {
    this(
        functionsAssetPath,
        DEFAULT_RATE_LIMIT,
        DEFAULT_BURST_LIMIT,
        DEFAULT_AGGREGATOR_CONCURRENCY,
        silenceAlarmHours);
  }
}
