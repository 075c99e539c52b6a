package ccotel.local;

import ccotel.auth.Connection;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenScope;
import ccotel.budget.AlertSender;
import ccotel.config.Config;
import ccotel.dynamodb.DynamoDbShardLayouts;
import ccotel.dynamodb.DynamoDbTables;
import ccotel.dynamodb.UsageShards;
import ccotel.embedded.EmbeddedDynamoDb;
import ccotel.embedded.EmbeddedSqs;
import ccotel.ingest.IngestService;
import ccotel.lambda.AggregatorHandler;
import ccotel.lambda.AlertHandler;
import ccotel.lambda.Components;
import ccotel.lambda.IngestHandler;
import ccotel.lambda.QueryHandler;
import ccotel.metrics.ServiceMetrics;
import ccotel.query.CachingRangeReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole system on this machine: embedded DynamoDB Local and ElasticMQ persisting under the data
 * directory, the three Lambda handlers built by the same composition root as in AWS, the HTTP front
 * door, and the queue poller feeding the aggregator.
 */
final class LocalStack implements AutoCloseable {

  static final String INGEST_QUEUE = "ccotel-ingest";
  static final String DEAD_LETTER_QUEUE = "ccotel-ingest-dlq";
  static final String ALERT_QUEUE = "ccotel-alerts";
  static final String ALERT_DEAD_LETTER_QUEUE = "ccotel-alerts-dlq";

  /**
   * The webhook retries' delay unit in seconds (default {@code AlertSender.DEFAULT_BACKOFF}) and a
   * POST's timeout in milliseconds: tests shorten them.
   */
  static final String ALERT_BACKOFF_VARIABLE = "CCOTEL_ALERT_BACKOFF_SECONDS";

  static final String WEBHOOK_TIMEOUT_VARIABLE = "CCOTEL_WEBHOOK_TIMEOUT_MILLIS";

  /** As in AWS: a message failing this often moves to the dead-letter queue. */
  static final int MAX_RECEIVE_COUNT = 5;

  static final int VISIBILITY_TIMEOUT_SECONDS = 30;

  /**
   * Batches gathered as Lambda's event source gathers them for the deployed aggregator (up to 1,000
   * exports), but for 2 s, not 300: locally writes cost nothing, the person trying ccotel wants to
   * see the numbers, and the window must stay well below the visibility timeout.
   */
  static final int AGGREGATOR_BATCH_SIZE = 1_000;

  static final Duration AGGREGATOR_BATCHING_WINDOW = Duration.ofSeconds(2);

  /**
   * Aggregator threads. 0 accepts and queues exports without counting them, until a restart with
   * pollers: how the kill -9 test holds messages between the 200 and aggregation.
   */
  static final String POLLERS_VARIABLE = "CCOTEL_LOCAL_POLLERS";

  private static final int DEFAULT_POLLERS = 2;

  private final Path dataDir;
  private final EmbeddedDynamoDb dynamoDb;
  private final EmbeddedSqs sqs;
  private final SqsPoller poller;
  private final SqsPoller alertPoller;
  private final HttpFrontDoor frontDoor;
  private final SummaryCacheWarmer summaryWarmer;
  private final LocalConnectionFile defaultConnection;

  private LocalStack(
      Path dataDir,
      EmbeddedDynamoDb dynamoDb,
      EmbeddedSqs sqs,
      SqsPoller poller,
      SqsPoller alertPoller,
      HttpFrontDoor frontDoor,
      SummaryCacheWarmer summaryWarmer,
      LocalConnectionFile defaultConnection) {
    this.summaryWarmer = summaryWarmer;
    this.alertPoller = alertPoller;
    this.dataDir = dataDir;
    this.dynamoDb = dynamoDb;
    this.sqs = sqs;
    this.poller = poller;
    this.frontDoor = frontDoor;
    this.defaultConnection = defaultConnection;
  }

  /** The configuration of local mode: fixed table and queue names, overridable limits. */
  static Config config(String queueUrl, Map<String, String> processEnv) {
    return config(queueUrl, "", processEnv);
  }

  static Config config(String queueUrl, String alertQueueUrl, Map<String, String> processEnv) {
    Map<String, String> env = new HashMap<>();
    env.put(Config.USAGE_TABLE, "ccotel-usage");
    env.put(Config.TOKENS_TABLE, "ccotel-tokens");
    env.put(Config.CONNECTIONS_TABLE, "ccotel-connections");
    env.put(Config.STATE_TABLE, "ccotel-state");
    env.put(Config.INGEST_QUEUE_URL, queueUrl);
    env.put(Config.ALERT_QUEUE_URL, alertQueueUrl);
    for (String optional :
        new String[] {
          Config.MAX_BODY_BYTES, Config.AUTH_CACHE_SECONDS, Config.DELIVERY_RETENTION_DAYS
        }) {
      if (processEnv.containsKey(optional)) {
        env.put(optional, processEnv.get(optional));
      }
    }
    return Config.fromEnv(env);
  }

  static LocalStack start(Path dataDir, int port, Map<String, String> processEnv)
      throws IOException {
    // Owner-only: the databases hold usage and token hashes; a token hash inserted by another
    // user would be a working token. Tightens what an earlier version left readable.
    SecretFiles.ownerOnlyDirectory(dataDir);
    SecretFiles.ownerOnlyDirectory(dataDir.resolve("dynamodb"));
    SecretFiles.ownerOnlyDirectory(dataDir.resolve("sqs"));
    EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.start(dataDir.resolve("dynamodb"));
    // Persistent, so that a 200 survives kill -9: what was queued is aggregated after a restart.
    EmbeddedSqs sqs = EmbeddedSqs.startPersistent(dataDir.resolve("sqs"));
    String queueUrl = createQueues(sqs.client(), INGEST_QUEUE, DEAD_LETTER_QUEUE);
    String alertQueueUrl = createQueues(sqs.client(), ALERT_QUEUE, ALERT_DEAD_LETTER_QUEUE);
    Config config = config(queueUrl, alertQueueUrl, processEnv);
    DynamoDbTables.createIfMissing(dynamoDb.client(), config);
    // The database files now exist, created with the process umask: owner-only too.
    SecretFiles.restrictTree(dataDir);

    Components components =
        new Components(config, dynamoDb.client(), sqs.client(), Clock.systemUTC());
    SqsPoller poller =
        new SqsPoller(
            sqs.client(),
            queueUrl,
            arn(sqs.client(), queueUrl),
            new AggregatorHandler(
                components.aggregationService(),
                ServiceMetrics.NONE,
                components.clock(),
                components.activityRecorder(),
                MAX_RECEIVE_COUNT,
                components.budgetWatch(
                    (message, failure) ->
                        System.err.println("ccotel: " + message + ": " + failure))),
            AGGREGATOR_BATCH_SIZE,
            AGGREGATOR_BATCHING_WINDOW);
    int pollers = pollers(processEnv);
    poller.start(pollers);
    // Alerts are delivered by their own poller, as by their own function in AWS: a slow or
    // failing webhook never holds up the aggregator's.
    SqsPoller alertPoller =
        new SqsPoller(
            sqs.client(),
            alertQueueUrl,
            arn(sqs.client(), alertQueueUrl),
            new AlertHandler(
                components.alertSender(
                    new AlertsFile(dataDir),
                    Duration.ofMillis(
                        setting(
                            processEnv,
                            WEBHOOK_TIMEOUT_VARIABLE,
                            AlertSender.WEBHOOK_TIMEOUT.toMillis())),
                    Duration.ofSeconds(
                        setting(
                            processEnv,
                            ALERT_BACKOFF_VARIABLE,
                            AlertSender.DEFAULT_BACKOFF.toSeconds())))));
    alertPoller.start(pollers == 0 ? 0 : 1);
    TokenAuthorizer tokens = components.authorizer();
    CachingRangeReader summaryDays = components.summaryRangeReader();
    HttpFrontDoor frontDoor =
        new HttpFrontDoor(
            port,
            new HttpFrontDoor.Backend(
                new IngestHandler(components.ingestService()),
                header -> tokens.authorize(header, TokenScope.INGEST).granted()),
            new HttpFrontDoor.Backend(
                new QueryHandler(
                    components.queryService(),
                    components.summaryService(summaryDays),
                    components.statusService()),
                header -> tokens.authorize(header, TokenScope.READ).granted()),
            pollers == 0 ? () -> true : poller::isPolling);
    frontDoor.start();

    String endpoint = "http://127.0.0.1:" + frontDoor.port() + IngestService.BASE_PATH;
    Path connectionFile = dataDir.resolve(LocalConnectionFile.FILE_NAME);
    LocalConnectionFile connection;
    if (Files.exists(connectionFile)) {
      LocalConnectionFile saved = LocalConnectionFile.read(connectionFile);
      // Same connection and tokens as before; the endpoint follows this run's port.
      connection =
          new LocalConnectionFile(
              saved.connectionId(), saved.ingestToken(), saved.readToken(), endpoint);
      if (!connection.equals(saved)) {
        connection.writeTo(connectionFile);
      }
    } else {
      ConnectionAdmin admin =
          new ConnectionAdmin(components.connectionRegistry(), Clock.systemUTC());
      connection = LocalConnectionFile.of(admin.create("local"), endpoint);
      // A new connection's usage is spread over shards from its first day (an existing one keeps
      // what it has: a connection without a layout reads as one key, the layout before shards).
      new DynamoDbShardLayouts(dynamoDb.client(), config.usageTable(), Clock.systemUTC())
          .initial(
              connection.connectionId(), LocalDate.now(ZoneOffset.UTC), UsageShards.DEFAULT_COUNT);
      connection.writeTo(connectionFile);
    }
    new RuntimeFile(
            frontDoor.port(), dynamoDb.endpoint(), sqs.endpoint(), ProcessHandle.current().pid())
        .writeTo(dataDir.resolve(RuntimeFile.FILE_NAME));
    SummaryCacheWarmer summaryWarmer =
        new SummaryCacheWarmer(
            () -> components.connectionRegistry().list().stream().map(Connection::id).toList(),
            summaryDays,
            Clock.systemUTC());
    summaryWarmer.start();
    return new LocalStack(
        dataDir, dynamoDb, sqs, poller, alertPoller, frontDoor, summaryWarmer, connection);
  }

  private static int pollers(Map<String, String> processEnv) {
    String text = processEnv.getOrDefault(POLLERS_VARIABLE, "").trim();
    if (text.isEmpty()) {
      return DEFAULT_POLLERS;
    }
    try {
      int pollers = Integer.parseInt(text);
      if (pollers >= 0 && pollers <= 64) {
        return pollers;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(POLLERS_VARIABLE + " must be a number from 0 to 64");
  }

  private static String arn(SqsClient sqs, String queueUrl) {
    return sqs.getQueueAttributes(
            b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes()
        .get(QueueAttributeName.QUEUE_ARN);
  }

  private static long setting(Map<String, String> processEnv, String name, long fallback) {
    String text = processEnv.getOrDefault(name, "").trim();
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text);
      if (value > 0 && value <= 3_600_000) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive whole number");
  }

  /** A queue with its dead-letter queue, as in AWS. */
  private static String createQueues(SqsClient sqs, String queue, String deadLetterQueue) {
    String deadLetterUrl = sqs.createQueue(b -> b.queueName(deadLetterQueue)).queueUrl();
    String deadLetterArn =
        sqs.getQueueAttributes(
                b -> b.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    Map<QueueAttributeName, String> attributes = new HashMap<>();
    attributes.put(
        QueueAttributeName.REDRIVE_POLICY,
        "{\"maxReceiveCount\":\""
            + MAX_RECEIVE_COUNT
            + "\",\"deadLetterTargetArn\":\""
            + deadLetterArn
            + "\"}");
    attributes.put(
        QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(VISIBILITY_TIMEOUT_SECONDS));
    return sqs.createQueue(b -> b.queueName(queue).attributes(attributes)).queueUrl();
  }

  int port() {
    return frontDoor.port();
  }

  Path dataDir() {
    return dataDir;
  }

  LocalConnectionFile defaultConnection() {
    return defaultConnection;
  }

  /**
   * Stops taking requests, lets the aggregator finish the batches in hand, then stops the stores.
   * What is still queued stays in the persistent queue for the next start.
   */
  @Override
  public void close() {
    summaryWarmer.close();
    frontDoor.close();
    poller.close();
    alertPoller.close();
    sqs.close();
    dynamoDb.close();
    try {
      Files.deleteIfExists(dataDir.resolve(RuntimeFile.FILE_NAME));
    } catch (IOException e) {
      // a stale runtime file is recognised by its dead pid
    }
  }
}
