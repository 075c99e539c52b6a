package ccotel.lambda;

import ccotel.activity.ActivityRecorder;
import ccotel.activity.LastExportReader;
import ccotel.aggregate.AggregationService;
import ccotel.auth.CachingConnectionLookup;
import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenGrant;
import ccotel.auth.TokenScope;
import ccotel.budget.AlertSender;
import ccotel.budget.AlertSink;
import ccotel.budget.BudgetWatch;
import ccotel.cloudwatch.EmfServiceMetrics;
import ccotel.config.Config;
import ccotel.dynamodb.DynamoDbActivity;
import ccotel.dynamodb.DynamoDbBudgets;
import ccotel.dynamodb.DynamoDbConnectionRegistry;
import ccotel.dynamodb.DynamoDbDayVersions;
import ccotel.dynamodb.DynamoDbPseudonymKeys;
import ccotel.dynamodb.DynamoDbRangeReader;
import ccotel.dynamodb.DynamoDbRosterStore;
import ccotel.dynamodb.DynamoDbUsageStore;
import ccotel.ingest.IngestService;
import ccotel.metrics.ServiceMetrics;
import ccotel.query.CachingRangeReader;
import ccotel.query.StoredUsage;
import ccotel.query.UsagePage;
import ccotel.query.UsageQueryService;
import ccotel.sns.SnsAlarmTopic;
import ccotel.sqs.SqsAlertQueue;
import ccotel.sqs.SqsExportMessages;
import ccotel.sqs.SqsIngestQueue;
import ccotel.status.StatusService;
import ccotel.summary.SummaryService;
import ccotel.teams.CachingRosterReader;
import ccotel.teams.RosterReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The composition root: builds each SDK client and service once per container, with plain
 * constructors (no DI framework, nothing reflective, so cold starts stay small).
 */
public final class Components {

  /**
   * Claude Code gives up on an export after 10 s; our own calls must fail well before that so we
   * can still answer 503 with Retry-After.
   */
  static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(3);

  /** Days of a range the summary reads at once (see docs/decisions.md, "Summary"). */
  static final int SUMMARY_READ_PARALLELISM = 8;

  /**
   * How long the summary trusts a day it read without a version change (see CachingRangeReader).
   */
  static final Duration SUMMARY_CACHE_MAX_AGE = CachingRangeReader.DEFAULT_MAX_AGE;

  /** User-days the summary keeps per container: ~90 MB of the function's 1,024 MB. */
  static final int SUMMARY_CACHE_ROWS = CachingRangeReader.DEFAULT_MAX_ROWS;

  private static volatile Components fromEnvironment;

  private final Config config;
  private final Clock clock;
  private final Supplier<DynamoDbClient> dynamoDb;
  private final Supplier<SqsClient> sqs;
  private final Supplier<RosterReader> rosterCache;
  private volatile DynamoDbPseudonymKeys pseudonymKeys;
  private final String region;

  /** Wires the functions to the given clients (the local runner and tests point them locally). */
  public Components(Config config, DynamoDbClient dynamoDb, SqsClient sqs, Clock clock) {
    this(config, () -> dynamoDb, () -> sqs, clock, "us-east-1");
  }

  private Components(
      Config config,
      Supplier<DynamoDbClient> dynamoDb,
      Supplier<SqsClient> sqs,
      Clock clock,
      String region) {
    this.config = config;
    this.region = region;
    this.dynamoDb = dynamoDb;
    this.sqs = sqs;
    this.clock = clock;
    this.rosterCache =
        memoize(() -> new CachingRosterReader(rosterStore(), clock, config.authCacheTtl()));
  }

  /** The container's components, from its environment; built on first use. */
  public static Components fromEnvironment() {
    Components components = fromEnvironment;
    if (components == null) {
      synchronized (Components.class) {
        components = fromEnvironment;
        if (components == null) {
          components = fromEnvironment(System.getenv());
          fromEnvironment = components;
        }
      }
    }
    return components;
  }

  static Components fromEnvironment(Map<String, String> env) {
    Config config = Config.fromEnv(env);
    Region region = Region.of(env.getOrDefault("AWS_REGION", "us-east-1"));
    ClientOverrideConfiguration timeouts =
        ClientOverrideConfiguration.builder().apiCallTimeout(API_CALL_TIMEOUT).build();
    // Only the ingest function sends to SQS: build each client when first asked for.
    Supplier<DynamoDbClient> dynamoDb =
        memoize(
            () ->
                DynamoDbClient.builder()
                    .region(region)
                    .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                    .httpClient(UrlConnectionHttpClient.create())
                    .overrideConfiguration(timeouts)
                    .build());
    Supplier<SqsClient> sqs =
        memoize(
            () ->
                SqsClient.builder()
                    .region(region)
                    .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                    .httpClient(UrlConnectionHttpClient.create())
                    .overrideConfiguration(timeouts)
                    .build());
    return new Components(config, dynamoDb, sqs, Clock.systemUTC(), region.id());
  }

  public IngestService ingestService() {
    return new IngestService(
        authorizer(),
        new SqsIngestQueue(sqs.get(), config.ingestQueueUrl()),
        clock,
        config.maxBodyBytes());
  }

  /** The aggregator, which moves each day's change version after writing to it. */
  public AggregationService aggregationService() {
    return new AggregationService(usageStore(), dayVersions());
  }

  public UsageQueryService queryService() {
    DynamoDbUsageStore store = usageStore();
    return new UsageQueryService(authorizer(), store, store, rosterReader(), pseudonymKeys());
  }

  /**
   * The summary API, with the connection's roster, links and pseudonym key. It keeps the days it
   * read for as long as their change versions stay (one cache per summary, which lives as long as
   * the summary), reading the others with a consistent Query per day {@value
   * #SUMMARY_READ_PARALLELISM} days at a time. See docs/decisions.md, "Summary".
   */
  public SummaryService summaryService() {
    return summaryService(summaryRangeReader());
  }

  /** The summary API over {@code days}, a cache another part of the process may keep warm. */
  public SummaryService summaryService(CachingRangeReader days) {
    return new SummaryService(
        authorizer(), days, rosterReader(), activity(), usageStore(), pseudonymKeys());
  }

  /** Read once per connection and process (see DynamoDbPseudonymKeys). */
  private DynamoDbPseudonymKeys pseudonymKeys() {
    DynamoDbPseudonymKeys keys = pseudonymKeys;
    if (keys == null) {
      keys = new DynamoDbPseudonymKeys(dynamoDb.get(), config.connectionsTable());
      pseudonymKeys = keys;
    }
    return keys;
  }

  /** Each connection's roster, read whole (the admin CLI replaces it). */
  public DynamoDbRosterStore rosterStore() {
    return new DynamoDbRosterStore(dynamoDb.get(), config.stateTable());
  }

  /**
   * The roster as the query function reads it: kept per container as long as a token lookup ({@code
   * AUTH_CACHE_SECONDS}), so an import shows in answers within that time.
   */
  private RosterReader rosterReader() {
    return rosterCache.get();
  }

  /** What the summary reads a range with: a fresh cache over the day reader. */
  public CachingRangeReader summaryRangeReader() {
    return new CachingRangeReader(
        new DynamoDbRangeReader(
            dynamoDb.get(), config.usageTable(), SUMMARY_READ_PARALLELISM, true),
        dayVersions(),
        clock,
        SUMMARY_CACHE_MAX_AGE,
        SUMMARY_CACHE_ROWS);
  }

  private DynamoDbDayVersions dayVersions() {
    return new DynamoDbDayVersions(dynamoDb.get(), config.usageTable());
  }

  /** Where the aggregator keeps each connection's activity (last export, exports, users). */
  public ActivityRecorder activityRecorder() {
    return activity();
  }

  /** The status endpoint: activity and roster, no usage read. */
  public StatusService statusService() {
    return new StatusService(authorizer(), activity(), rosterReader(), pseudonymKeys(), clock);
  }

  private DynamoDbActivity activity() {
    return new DynamoDbActivity(dynamoDb.get(), config.usageTable());
  }

  /** Budgets and alert records. */
  public DynamoDbBudgets budgetStore() {
    return new DynamoDbBudgets(dynamoDb.get(), config.usageTable());
  }

  /**
   * What raises budget alerts after each aggregator batch; none without an alert queue. Its
   * failures go to {@code log} (the aggregator's log), never into counting.
   */
  public BudgetWatch budgetWatch(BiConsumer<String, Exception> log) {
    if (config.alertQueueUrl().isEmpty()) {
      return BudgetWatch.NONE;
    }
    return new BudgetWatch(
        budgetStore(), new SqsAlertQueue(sqs.get(), config.alertQueueUrl()), clock, log);
  }

  /** The alert function's sender: the alarm topic, when configured, and the webhook. */
  public AlertSender alertSender() {
    AlertSink sink =
        config.alarmTopicArn().isEmpty()
            ? alert -> {}
            : new SnsAlarmTopic(
                UrlConnectionHttpClient.create(),
                EnvironmentVariableCredentialsProvider.create(),
                region,
                config.alarmTopicArn());
    return alertSender(sink, AlertSender.WEBHOOK_TIMEOUT, AlertSender.DEFAULT_BACKOFF);
  }

  /** A sender publishing to {@code sink} (locally: alerts.jsonl), retrying through the queue. */
  public AlertSender alertSender(AlertSink sink, Duration webhookTimeout, Duration backoff) {
    return new AlertSender(
        budgetStore(),
        sink,
        new SqsAlertQueue(sqs.get(), config.alertQueueUrl()),
        clock,
        webhookTimeout,
        backoff);
  }

  public DynamoDbConnectionRegistry connectionRegistry() {
    return new DynamoDbConnectionRegistry(
        dynamoDb.get(), config.tokensTable(), config.connectionsTable(), clock);
  }

  public Config config() {
    return config;
  }

  /** The service's own metrics, as embedded metric format lines on stdout (CloudWatch Logs). */
  public ServiceMetrics serviceMetrics() {
    return new EmfServiceMetrics(System.out, clock);
  }

  public Clock clock() {
    return clock;
  }

  // ---- for priming (see Priming): the same code paths, with nothing stored, queued or read

  /**
   * The ingest path that grants every token to one connection and queues nowhere, after encoding
   * each export as its SQS message would carry it.
   */
  IngestService primingIngestService() {
    return new IngestService(
        grantingEveryToken(TokenScope.INGEST),
        export -> {
          SqsExportMessages.body(export);
          SqsExportMessages.attributes(export);
        },
        clock,
        config.maxBodyBytes());
  }

  /** The metrics lines, formatted and thrown away. */
  ServiceMetrics primingMetrics() {
    return new EmfServiceMetrics(new PrintStream(OutputStream.nullOutputStream()), clock);
  }

  /** The query path that grants every token to one connection and reads {@code sample}. */
  UsageQueryService primingQueryService(List<StoredUsage> sample) {
    return new UsageQueryService(
        grantingEveryToken(TokenScope.READ),
        (connectionId, from, to, limit, cursor) -> new UsagePage(sample, Optional.empty()));
  }

  /** The summary path that grants every token to one connection and reads {@code sample}. */
  SummaryService primingSummaryService(List<StoredUsage> sample) {
    return new SummaryService(
        grantingEveryToken(TokenScope.READ),
        (connectionId, from, to, limit, cursor) -> new UsagePage(sample, Optional.empty()),
        RosterReader.NONE,
        LastExportReader.NONE);
  }

  /** A read-only call on the ingest queue, which warms the SQS client without sending. */
  void readIngestQueue() {
    sqs.get()
        .getQueueAttributes(
            b ->
                b.queueUrl(config.ingestQueueUrl())
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  private static TokenAuthorizer grantingEveryToken(TokenScope scope) {
    return new TokenAuthorizer(hash -> Optional.of(new TokenGrant("conn_priming", scope)));
  }

  private DynamoDbUsageStore usageStore() {
    return new DynamoDbUsageStore(
        dynamoDb.get(),
        config.usageTable(),
        config.stateTable(),
        clock,
        config.deliveryRetention());
  }

  /**
   * The token check the ingest and query handlers make; the local server makes it too, before it
   * reads a body.
   */
  public TokenAuthorizer authorizer() {
    return new TokenAuthorizer(
        new CachingConnectionLookup(connectionRegistry(), clock, config.authCacheTtl()));
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    return new Supplier<>() {
      private volatile T value;

      @Override
      public T get() {
        T result = value;
        if (result == null) {
          synchronized (this) {
            result = value;
            if (result == null) {
              result = supplier.get();
              value = result;
            }
          }
        }
        return result;
      }
    };
  }
}
