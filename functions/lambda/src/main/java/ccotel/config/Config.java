package ccotel.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything the functions read from their environment, validated at cold start: a missing or
 * malformed value fails INIT with a message naming the variable. Nobody else reads the environment.
 */
public record Config(
    String usageTable,
    String tokensTable,
    String connectionsTable,
    String stateTable,
    String ingestQueueUrl,
    int maxBodyBytes,
    Duration authCacheTtl,
    Duration deliveryRetention,
    int maxReceiveCount,
    String alertQueueUrl,
    String alarmTopicArn) {

  public static final String USAGE_TABLE = "USAGE_TABLE";
  public static final String TOKENS_TABLE = "TOKENS_TABLE";
  public static final String CONNECTIONS_TABLE = "CONNECTIONS_TABLE";
  public static final String STATE_TABLE = "STATE_TABLE";
  public static final String INGEST_QUEUE_URL = "INGEST_QUEUE_URL";
  public static final String MAX_BODY_BYTES = "MAX_BODY_BYTES";
  public static final String AUTH_CACHE_SECONDS = "AUTH_CACHE_SECONDS";
  public static final String DELIVERY_RETENTION_DAYS = "DELIVERY_RETENTION_DAYS";
  public static final String MAX_RECEIVE_COUNT = "MAX_RECEIVE_COUNT";

  /** Where the aggregator queues budget alerts; without it, budgets raise no alerts. */
  public static final String ALERT_QUEUE_URL = "ALERT_QUEUE_URL";

  /** Where the alert function publishes alerts (deployed); optional. */
  public static final String ALARM_TOPIC_ARN = "ALARM_TOPIC_ARN";

  /** The variables every function needs; the optional ones have defaults. */
  public static final List<String> REQUIRED =
      List.of(USAGE_TABLE, TOKENS_TABLE, CONNECTIONS_TABLE, STATE_TABLE, INGEST_QUEUE_URL);

  static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
  static final int DEFAULT_AUTH_CACHE_SECONDS = 30;

  /**
   * Delivery records must outlive every message that may still be delivered: the dead-letter queue
   * keeps one 14 days and a replay puts it back in the ingest queue for up to 4 more; a week's
   * margin on top.
   */
  public static final int DEFAULT_DELIVERY_RETENTION_DAYS = 25;

  /** The ingest queue's redrive policy: attempts before SQS moves a message to dead letters. */
  public static final int DEFAULT_MAX_RECEIVE_COUNT = 5;

  public static Config fromEnv(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    for (String name : REQUIRED) {
      if (env.getOrDefault(name, "").isBlank()) {
        problems.add(name + " is not set");
      }
    }
    int maxBody = positive(env, MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES, problems);
    int cacheSeconds = nonNegative(env, AUTH_CACHE_SECONDS, DEFAULT_AUTH_CACHE_SECONDS, problems);
    int retentionDays =
        positive(env, DELIVERY_RETENTION_DAYS, DEFAULT_DELIVERY_RETENTION_DAYS, problems);
    int maxReceiveCount = positive(env, MAX_RECEIVE_COUNT, DEFAULT_MAX_RECEIVE_COUNT, problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("invalid configuration: " + String.join("; ", problems));
    }
    return new Config(
        env.get(USAGE_TABLE),
        env.get(TOKENS_TABLE),
        env.get(CONNECTIONS_TABLE),
        env.get(STATE_TABLE),
        env.get(INGEST_QUEUE_URL),
        maxBody,
        Duration.ofSeconds(cacheSeconds),
        Duration.ofDays(retentionDays),
        maxReceiveCount,
        env.getOrDefault(ALERT_QUEUE_URL, "").trim(),
        env.getOrDefault(ALARM_TOPIC_ARN, "").trim());
  }

  private static int positive(
      Map<String, String> env, String name, int fallback, List<String> problems) {
    int value = nonNegative(env, name, fallback, problems);
    if (value == 0) {
      problems.add(name + " must be positive");
    }
    return value;
  }

  private static int nonNegative(
      Map<String, String> env, String name, int fallback, List<String> problems) {
    String text = env.get(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value < 0) {
        problems.add(name + " must not be negative, got " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(name + " must be a whole number, got '" + text + "'");
      return fallback;
    }
  }

  /** The environment that gives this configuration (the local runner and tests set it so). */
  public Map<String, String> toEnv() {
    Map<String, String> env = new java.util.HashMap<>(required());
    if (!alertQueueUrl.isEmpty()) {
      env.put(ALERT_QUEUE_URL, alertQueueUrl);
    }
    if (!alarmTopicArn.isEmpty()) {
      env.put(ALARM_TOPIC_ARN, alarmTopicArn);
    }
    return env;
  }

  private Map<String, String> required() {
    return Map.of(
        USAGE_TABLE, usageTable,
        TOKENS_TABLE, tokensTable,
        CONNECTIONS_TABLE, connectionsTable,
        STATE_TABLE, stateTable,
        INGEST_QUEUE_URL, ingestQueueUrl,
        MAX_BODY_BYTES, Integer.toString(maxBodyBytes),
        AUTH_CACHE_SECONDS, Long.toString(authCacheTtl.toSeconds()),
        DELIVERY_RETENTION_DAYS, Long.toString(deliveryRetention.toDays()));
  }
}
