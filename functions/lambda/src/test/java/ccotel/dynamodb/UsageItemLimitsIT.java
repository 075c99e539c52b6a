package ccotel.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.aggregate.DayDelivery;
import ccotel.aggregate.UsageCommit;
import ccotel.aggregate.UsageRefusedException;
import ccotel.embedded.EmbeddedAws;
import ccotel.lambda.AwsTestStack;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's own item limit, on DynamoDB Local: a user-day item that cannot grow (400 KB) refuses
 * the write for good, both ways of counting, instead of answering "unavailable, retry" forever.
 */
class UsageItemLimitsIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final UsageKey KEY =
      new UsageKey(LocalDate.parse("2026-11-24"), UserIdentity.email("full@example.com"));
  private static final Counter MODEL_COST =
      Counter.of(CounterFamily.METRIC_COST_NANO_USD, "claude-sonnet-4-5-20250929");

  private static AwsTestStack stack;
  private static DynamoDbUsageStore store;

  @BeforeAll
  static void createTables() {
    stack = new AwsTestStack(AWS);
    store =
        new DynamoDbUsageStore(
            AWS.dynamoDb().client(),
            stack.config.usageTable(),
            stack.config.stateTable(),
            Clock.systemUTC(),
            stack.config.deliveryRetention());
  }

  /**
   * Stores the user-day item just under 400 KB (names and values count): any new counter takes it
   * over.
   */
  static void fillToTheLimit(EmbeddedAws aws, String usageTable, String connection, UsageKey key) {
    Map<String, AttributeValue> item =
        new HashMap<>(ItemLayout.usageKey(connection, UsageShards.LEGACY, key));
    // What the reader needs of a row, so that the item reads as one with no counters.
    item.put("day", ItemLayout.s(key.day().toString()));
    item.put("actorKind", ItemLayout.s(key.user().kind().name()));
    item.put("actorId", ItemLayout.s(key.user().value()));
    int keyBytes = "connectionId".length() + connection.length() + "sk".length();
    keyBytes += ItemLayout.sortKey(key).length() + "filler".length();
    for (String name : List.of("day", "actorKind", "actorId")) {
      keyBytes += name.length() + item.get(name).s().length();
    }
    item.put("filler", AttributeValue.builder().s("x".repeat(400 * 1024 - keyBytes - 8)).build());
    aws.dynamoDb().client().putItem(b -> b.tableName(usageTable).item(item));
  }

  @Test
  void anItemAtDynamoDbsSizeLimit_refusesNewCountersForGood_eitherWay() throws Exception {
    String connection = "conn_full";
    fillToTheLimit(AWS, stack.config.usageTable(), connection, KEY);
    TreeMap<Counter, Long> cost = new TreeMap<>(Map.of(MODEL_COST, 5L));
    UsageTally tally = new UsageTally();
    tally.add(KEY, MODEL_COST, 5);

    UsageRefusedException plain =
        assertThrows(
            UsageRefusedException.class,
            () -> store.countOnce(connection, List.of(new DayDelivery("d1", KEY, cost))));
    UsageRefusedException transaction =
        assertThrows(
            UsageRefusedException.class,
            () -> store.commit(new UsageCommit(connection, "d2", tally, new TreeMap<>())));

    assertTrue(plain.getMessage().contains("Item size"), plain.getMessage());
    assertTrue(transaction.getMessage().contains("Item size"), transaction.getMessage());
    // Nothing was counted, and neither id is marked: a smaller user-day takes both.
    UsageKey other = new UsageKey(KEY.day(), UserIdentity.email("other@example.com"));
    assertEquals(
        Map.of("d1", ccotel.aggregate.UsageStore.Counted.NOW),
        store.countOnce(connection, List.of(new DayDelivery("d1", other, cost))));
  }
}
