package ccotel.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.aggregate.DayDelivery;
import ccotel.aggregate.UsageCommit;
import ccotel.aggregate.UsageStore.Counted;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.embedded.EmbeddedAws;
import ccotel.lambda.AwsTestStack;
import ccotel.query.StoredUsage;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The windows of plain-write counting on DynamoDB Local: an aggregator that dies between its update
 * and its markers, and a writer that slips in between another's read and its conditional update.
 * Faults are injected into the real SDK client's calls.
 */
class PlainDayCounterIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final UsageKey ALICE_TODAY =
      new UsageKey(LocalDate.parse("2026-11-24"), UserIdentity.email("alice@example.com"));
  private static final Counter SESSIONS = Counter.of(CounterFamily.SESSIONS);

  private static AwsTestStack stack;

  /** Runs before each matching call of the faulty client; null lets every call through. */
  private final AtomicReference<java.util.function.Consumer<SdkRequest>> fault =
      new AtomicReference<>();

  private final String connection = "conn_" + UUID.randomUUID();

  @BeforeAll
  static void createTables() {
    stack = new AwsTestStack(AWS);
  }

  @Test
  void deathBetweenTheUpdateAndTheMarkers_countsOnce_andTheNextWriterMarksIt() throws Exception {
    DynamoDbUsageStore faulty = store(faultyClient());
    DynamoDbUsageStore healthy = store(AWS.dynamoDb().client());
    fault.set(
        request -> {
          if (request instanceof BatchWriteItemRequest) {
            throw SdkClientException.create("the aggregator died before its markers (injected)");
          }
        });

    assertThrows(
        UsageStoreUnavailableException.class,
        () -> faulty.countOnce(connection, List.of(delivery("d1", 3))));
    assertEquals(3, sessions(healthy), "the update was made");
    assertTrue(marker("d1").isEmpty(), "and its marker was not");

    // SQS redelivers: the id stands in its user-day's last write, so it is not counted again.
    assertEquals(
        Map.of("d1", Counted.BEFORE), healthy.countOnce(connection, List.of(delivery("d1", 3))));
    // The next export of the day marks d1 before its write takes d1's place.
    assertEquals(
        Map.of("d2", Counted.NOW), healthy.countOnce(connection, List.of(delivery("d2", 5))));
    assertTrue(marker("d1").isPresent());
    assertEquals(
        Map.of("d1", Counted.BEFORE, "d2", Counted.BEFORE),
        healthy.countOnce(connection, List.of(delivery("d1", 3), delivery("d2", 5))));
    // A transaction of the same id finds it counted too.
    UsageTally more = new UsageTally();
    more.add(ALICE_TODAY, SESSIONS, 100);
    assertFalse(healthy.commit(new UsageCommit(connection, "d1", more, new TreeMap<>())));

    assertEquals(8, sessions(healthy));
  }

  @Test
  void aWriterBetweenAnothersReadAndItsUpdate_makesItReadAgain_andBothCountOnce() throws Exception {
    DynamoDbUsageStore slow = store(faultyClient());
    DynamoDbUsageStore fast = store(AWS.dynamoDb().client());
    assertEquals(Map.of("d0", Counted.NOW), fast.countOnce(connection, List.of(delivery("d0", 1))));
    // Right before the slow writer's first update, the fast one counts two exports of the day.
    fault.set(
        request -> {
          if (request instanceof UpdateItemRequest) {
            fault.set(null);
            try {
              fast.countOnce(connection, List.of(delivery("d2", 20), delivery("d3", 300)));
            } catch (UsageStoreUnavailableException e) {
              throw new IllegalStateException(e);
            }
          }
        });

    assertEquals(
        Map.of("d1", Counted.NOW, "d3", Counted.BEFORE),
        slow.countOnce(connection, List.of(delivery("d1", 4000), delivery("d3", 300))));

    assertEquals(4321, sessions(fast));
    assertEquals(
        Map.of(
            "d0", Counted.BEFORE, "d1", Counted.BEFORE, "d2", Counted.BEFORE, "d3", Counted.BEFORE),
        fast.countOnce(
            connection,
            List.of(
                delivery("d0", 1), delivery("d1", 4000), delivery("d2", 20), delivery("d3", 300))));
    assertEquals(4321, sessions(fast));
  }

  @Test
  void aFailingSecondDay_leavesTheFirstDaysDeliveriesMarked() throws Exception {
    DynamoDbUsageStore faulty = store(faultyClient());
    UsageKey bobToday = new UsageKey(ALICE_TODAY.day(), UserIdentity.email("bob@example.com"));
    java.util.concurrent.atomic.AtomicInteger updates =
        new java.util.concurrent.atomic.AtomicInteger();
    fault.set(
        request -> {
          if (request instanceof UpdateItemRequest && updates.incrementAndGet() == 2) {
            throw SdkClientException.create("DynamoDB unreachable for the second day (injected)");
          }
        });

    assertThrows(
        UsageStoreUnavailableException.class,
        () ->
            faulty.countOnce(
                connection,
                List.of(
                    delivery("d1", 3),
                    new DayDelivery("d2", bobToday, new TreeMap<>(Map.of(SESSIONS, 5L))))));

    assertEquals(2, updates.get());
    assertTrue(
        marker("d1").isPresent(), "the first day's delivery is marked right after its write");
    assertTrue(marker("d2").isEmpty());
  }

  @Test
  void deliveriesNamingMoreCountersThanOneUpdateMayHold_areWrittenInSeveralUpdates()
      throws Exception {
    DynamoDbUsageStore store = store(AWS.dynamoDb().client());
    // Eight deliveries of one user-day, 50 models each: 400 distinct counters, more than an update
    // expression of 4 KB can name.
    List<DayDelivery> deliveries = new java.util.ArrayList<>();
    for (int d = 0; d < 8; d++) {
      TreeMap<Counter, Long> counters = new TreeMap<>();
      for (int m = 0; m < 50; m++) {
        counters.put(modelCost(50 * d + m), 1000L + d);
      }
      deliveries.add(new DayDelivery("d" + d, ALICE_TODAY, counters));
    }

    Map<String, Counted> counted = store.countOnce(connection, deliveries);

    for (int d = 0; d < 8; d++) {
      assertEquals(Counted.NOW, counted.get("d" + d), "d" + d);
      assertTrue(marker("d" + d).isPresent(), "d" + d);
    }
    StoredUsage row =
        store
            .read(connection, ALICE_TODAY.day(), ALICE_TODAY.day(), 10, Optional.empty())
            .rows()
            .get(0);
    for (int c = 0; c < 400; c++) {
      assertEquals(1000L + c / 50, row.get(modelCost(c)), "counter " + c);
    }
    assertEquals(
        8,
        store.countOnce(connection, deliveries).values().stream()
            .filter(Counted.BEFORE::equals)
            .count());
  }

  private static Counter modelCost(int model) {
    return Counter.of(CounterFamily.METRIC_COST_NANO_USD, "model-" + model);
  }

  private DynamoDbUsageStore store(DynamoDbClient client) {
    return new DynamoDbUsageStore(
        client,
        stack.config.usageTable(),
        stack.config.stateTable(),
        Clock.systemUTC(),
        stack.config.deliveryRetention());
  }

  private DynamoDbClient faultyClient() {
    return FaultyDynamoDb.client(AWS, fault);
  }

  private static DayDelivery delivery(String id, long sessions) {
    TreeMap<Counter, Long> counters = new TreeMap<>();
    counters.put(SESSIONS, sessions);
    return new DayDelivery(id, ALICE_TODAY, counters);
  }

  private long sessions(DynamoDbUsageStore store) throws Exception {
    List<StoredUsage> rows =
        store.read(connection, ALICE_TODAY.day(), ALICE_TODAY.day(), 10, Optional.empty()).rows();
    assertEquals(1, rows.size());
    return rows.get(0).get(SESSIONS);
  }

  private Optional<Map<String, AttributeValue>> marker(String deliveryId) {
    Map<String, AttributeValue> item =
        AWS.dynamoDb()
            .client()
            .getItem(
                b ->
                    b.tableName(stack.config.stateTable())
                        .key(
                            Map.of(
                                DynamoDbTables.STATE_PARTITION_KEY,
                                ItemLayout.s("d#" + connection + "#" + deliveryId)))
                        .consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }
}
