package ccotel.dynamodb;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.aggregate.AggregationService;
import ccotel.embedded.EmbeddedAws;
import ccotel.ingest.QueuedExport;
import ccotel.lambda.AwsTestStack;
import ccotel.query.StoredUsage;
import ccotel.testing.OtlpRequests;
import ccotel.testing.QueuedExports;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UserIdentity;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Where the ways of counting meet, on DynamoDB Local: a delivery counted before and after its users
 * were linked, and a linked request whose merged user-day names more counters than one update
 * expression may hold.
 */
class CountingCornersIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final String EMAIL = "dev@example.com";
  private static final String ACCOUNT = "9f1c-account";
  private static final LocalDate DAY = LocalDate.of(2026, 11, 30);
  private static final long AT = nanos("2026-11-30T09:00:00Z");
  private static final Counter SESSIONS = Counter.of(CounterFamily.SESSIONS);

  private static AwsTestStack stack;
  private static final ExecutorService POOL = Executors.newCachedThreadPool();

  private final String connection = "conn_" + UUID.randomUUID();

  @BeforeAll
  static void createTables() {
    stack = new AwsTestStack(AWS);
  }

  @AfterAll
  static void stopPool() {
    POOL.shutdownNow();
  }

  /**
   * The request has one point of the account id alone and one of the e-mail alone: two user-days as
   * sent, one once the account id is linked to the e-mail. Aggregator B took it before the link was
   * known; A, a redelivery, after. A reads what is counted, B commits, then A writes.
   */
  @Test
  void aDeliveryTakenBeforeAndAfterItsUsersWereLinked_countsOnce() throws Exception {
    QueuedExport export = accountAndEmail(1, "claude_code.session.count");
    CountDownLatch bAboutToWrite = new CountDownLatch(1);
    CountDownLatch aHasRead = new CountDownLatch(1);
    AtomicReference<Consumer<SdkRequest>> bFault = new AtomicReference<>();
    bFault.set(
        request -> {
          if (request instanceof TransactWriteItemsRequest
              || request instanceof UpdateItemRequest) {
            bFault.set(null);
            bAboutToWrite.countDown();
            await(aHasRead);
          }
        });
    AggregationService b = new AggregationService(store(FaultyDynamoDb.client(AWS, bFault)));
    Future<List<AggregationService.Outcome>> bDone =
        POOL.submit(() -> b.aggregateAll(List.of(export)));
    await(bAboutToWrite);

    store(AWS.dynamoDb().client())
        .saveLinks(
            connection, Map.of(UserIdentity.accountUuid(ACCOUNT), UserIdentity.email(EMAIL)));
    AtomicReference<Consumer<SdkRequest>> aFault = new AtomicReference<>();
    aFault.set(
        request -> {
          if (request instanceof TransactWriteItemsRequest
              || request instanceof UpdateItemRequest) {
            aFault.set(null);
            aHasRead.countDown();
            try {
              bDone.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        });
    List<AggregationService.Outcome> a =
        new AggregationService(store(FaultyDynamoDb.client(AWS, aFault)))
            .aggregateAll(List.of(export));

    assertFalse(a.get(0).failed(), String.valueOf(a.get(0)));
    assertFalse(bDone.get().get(0).failed(), String.valueOf(bDone.get().get(0)));
    assertEquals(2, total(SESSIONS), "two sessions, counted once");
  }

  /**
   * 120 models for the account id and 120 for the e-mail: each user-day as sent fits an update, but
   * linked into one they name 300 cost counters and 300 model-point counters, past DynamoDB's 4 KB
   * update expression.
   */
  @Test
  void aLinkedRequestNamingMoreCountersThanOneUpdateHolds_isCountedWhole() throws Exception {
    store(AWS.dynamoDb().client())
        .saveLinks(
            connection, Map.of(UserIdentity.accountUuid(ACCOUNT), UserIdentity.email(EMAIL)));
    QueuedExport export = accountAndEmail(120, "claude_code.cost.usage");

    List<AggregationService.Outcome> outcomes =
        new AggregationService(store(AWS.dynamoDb().client())).aggregateAll(List.of(export));

    assertFalse(outcomes.get(0).failed(), String.valueOf(outcomes.get(0)));
    List<StoredUsage> rows = rows();
    assertEquals(1, rows.size());
    assertEquals(UserIdentity.email(EMAIL), rows.get(0).key().user());
    for (int m = 0; m < 120; m++) {
      assertEquals(
          1_000_000L * (m + 1),
          rows.get(0).get(Counter.of(CounterFamily.METRIC_COST_NANO_USD, "a-model-" + m)));
      assertEquals(
          1_000_000L * (m + 1),
          rows.get(0).get(Counter.of(CounterFamily.METRIC_COST_NANO_USD, "e-model-" + m)));
    }
  }

  /**
   * Sixteen aggregators, each export alone in its batch (so each is its own write), all on one
   * user-day. An export that fails goes back to the queue, as SQS redelivers it; after five
   * receives it would be in the dead-letter queue.
   */
  @Test
  void manyAggregatorsOnOneHotUserDay_countEachExportOnce_andDeadLetterNone() throws Exception {
    int exports = 320;
    java.util.concurrent.ConcurrentLinkedQueue<QueuedExport> queue =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    for (int i = 1; i <= exports; i++) {
      queue.add(
          QueuedExports.metrics(
              connection,
              OtlpRequests.metrics(EMAIL)
                  .delta("claude_code.session.count", AT + i, 1)
                  .delta("claude_code.token.usage", AT + i, i, "type", "input", "model", "m")
                  .build()
                  .toByteArray()));
    }
    Map<String, Integer> receives = new java.util.concurrent.ConcurrentHashMap<>();
    List<String> deadLettered = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Future<?>> running = new java.util.ArrayList<>();
    for (int a = 0; a < 16; a++) {
      AggregationService aggregator = new AggregationService(store(AWS.dynamoDb().client()));
      running.add(
          POOL.submit(
              () -> {
                for (QueuedExport export = queue.poll(); export != null; export = queue.poll()) {
                  AggregationService.Outcome outcome =
                      aggregator.aggregateAll(List.of(export)).get(0);
                  if (outcome.failed()) {
                    if (receives.merge(export.deliveryId(), 1, Integer::sum) == 5) {
                      deadLettered.add(export.deliveryId() + ": " + outcome.failure());
                    } else {
                      queue.add(export);
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> aggregator : running) {
      aggregator.get(5, TimeUnit.MINUTES);
    }

    assertEquals(List.of(), deadLettered);
    assertEquals(exports, total(SESSIONS));
    assertEquals(
        (long) exports * (exports + 1) / 2,
        total(Counter.of(CounterFamily.METRIC_INPUT_TOKENS, "m")));
  }

  /**
   * A cumulative series' state is what its next point is counted against: a process that sleeps for
   * weeks (a closed laptop) must find it, or its whole running total counts again.
   */
  @Test
  void aCumulativeSeriesState_outlivesAProcessAsleepForMonths() throws Exception {
    QueuedExport export =
        QueuedExports.metrics(
            connection,
            OtlpRequests.metrics(EMAIL)
                .cumulative("claude_code.session.count", AT - 1_000, AT, 3, "session.id", "s1")
                .build()
                .toByteArray());

    long before = java.time.Instant.now().getEpochSecond();
    assertFalse(
        new AggregationService(store(AWS.dynamoDb().client()))
            .aggregateAll(List.of(export))
            .get(0)
            .failed());
    long after = java.time.Instant.now().getEpochSecond();

    List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> series =
        AWS.dynamoDb()
            .client()
            .scan(
                b ->
                    b.tableName(stack.config.stateTable())
                        .filterExpression("begins_with(pk, :p)")
                        .expressionAttributeValues(
                            Map.of(":p", ItemLayout.s("s#" + connection + "#"))))
            .items();
    assertEquals(1, series.size());
    long expiresAt = Long.parseLong(series.get(0).get("expiresAt").n());
    assertTrue(
        expiresAt >= before + 400 * 86_400L && expiresAt <= after + 400 * 86_400L,
        "kept 400 days after its last write: " + expiresAt);
  }

  /**
   * One user-day's item is at DynamoDB's 400 KB, so DynamoDB refuses every write that adds to it.
   * The export of that user and the healthy ones around it are of one connection and one batch,
   * both ways of counting (delta exports of one user-day, and exports over two days); each of five
   * receives fails only the export at fault, and the healthy ones count once.
   */
  @Test
  void anExportDynamoDbRefusesForGood_failsAlone_andTheRestOfItsConnectionsBatchCounts()
      throws Exception {
    UsageItemLimitsIT.fillToTheLimit(
        AWS,
        stack.config.usageTable(),
        connection,
        new ccotel.usage.UsageKey(DAY, UserIdentity.email("full@example.com")));
    List<QueuedExport> batch = new java.util.ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      String user = i == 3 ? "full@example.com" : EMAIL;
      batch.add(sessions(user, AT + i, i, false));
    }
    for (int i = 1; i <= 5; i++) {
      String user = i == 3 ? "full@example.com" : EMAIL;
      batch.add(sessions(user, AT + 100 + i, 10 * i, true));
    }
    AggregationService aggregator = new AggregationService(store(AWS.dynamoDb().client()));

    for (int receive = 1; receive <= 5; receive++) {
      List<AggregationService.Outcome> outcomes = aggregator.aggregateAll(batch);
      List<Boolean> failed = outcomes.stream().map(AggregationService.Outcome::failed).toList();
      assertEquals(
          List.of(false, false, true, false, false, false, false, true, false, false), failed);
      assertTrue(
          outcomes.get(2).failure() instanceof ccotel.aggregate.UsageRefusedException,
          String.valueOf(outcomes.get(2)));
      long healthy = 0;
      for (StoredUsage row :
          store(AWS.dynamoDb().client())
              .read(connection, DAY.minusDays(1), DAY, 100, Optional.empty())
              .rows()) {
        healthy += row.key().user().value().equals(EMAIL) ? row.get(SESSIONS) : 0;
      }
      assertEquals((1 + 2 + 4 + 5) + (10 + 20 + 40 + 50), healthy, "receive " + receive);
    }
  }

  /** Sessions of one user: at one time, or (overTwoDays) half that day and half the day before. */
  private QueuedExport sessions(String user, long time, long sessions, boolean overTwoDays) {
    OtlpRequests.MetricsBuilder request = OtlpRequests.metrics(user);
    if (overTwoDays) {
      request
          .delta("claude_code.session.count", time, sessions / 2)
          .delta("claude_code.session.count", time - 86_400_000_000_000L, sessions / 2);
    } else {
      request.delta("claude_code.session.count", time, sessions);
    }
    return QueuedExports.metrics(connection, request.build().toByteArray());
  }

  /** One resource with only the account id, one with only the e-mail, each with some points. */
  private QueuedExport accountAndEmail(int points, String metric) {
    OtlpRequests.MetricsBuilder account =
        OtlpRequests.metrics(null).resource("user.account_uuid", ACCOUNT);
    OtlpRequests.MetricsBuilder email = OtlpRequests.metrics(EMAIL);
    for (int m = 0; m < points; m++) {
      double value = metric.endsWith("cost.usage") ? 0.001 * (m + 1) : 1;
      account.delta(metric, AT + m, value, "model", "a-model-" + m);
      email.delta(metric, AT + m, value, "model", "e-model-" + m);
    }
    ExportMetricsServiceRequest request =
        account.build().toBuilder()
            .addAllResourceMetrics(email.build().getResourceMetricsList())
            .build();
    return QueuedExports.metrics(connection, request.toByteArray());
  }

  private long total(Counter counter) throws Exception {
    long total = 0;
    for (StoredUsage row : rows()) {
      total += row.get(counter);
    }
    return total;
  }

  private List<StoredUsage> rows() throws Exception {
    return store(AWS.dynamoDb().client()).read(connection, DAY, DAY, 100, Optional.empty()).rows();
  }

  private static DynamoDbUsageStore store(DynamoDbClient client) {
    return new DynamoDbUsageStore(
        client,
        stack.config.usageTable(),
        stack.config.stateTable(),
        Clock.systemUTC(),
        stack.config.deliveryRetention());
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the other aggregator never got there");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
