package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.n;
import static ccotel.dynamodb.ItemLayout.s;

import ccotel.aggregate.DayDelivery;
import ccotel.aggregate.UsageStoreUnavailableException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Benchmark data only: user-day items, in the connection's shards, put with {@code BatchWriteItem},
 * 25 a call, each exactly as {@link PlainDayCounter} leaves a user-day it counted once (key, day,
 * user, {@code ver} 1, the delivery in {@code lastDeliveries}, a {@code c:} number per counter),
 * without the reads, the condition and the markers that make counting exactly-once: what the read
 * side sees is the same, at a fraction of the load time. (In the bench module, in this package for
 * {@link ItemLayout}.)
 */
public final class BenchUserDays {

  private BenchUserDays() {}

  /**
   * The key of a user-day item of a connection without a shard layout, as the aggregator writes it
   * (for the write bench's bound: its connection keeps one key, since shards change which key an
   * item has, not its write units; {@code bench keys} measures 1 and 8 shards alike).
   */
  public static Map<String, AttributeValue> usageKey(
      String connectionId, ccotel.usage.UsageKey key) {
    return ItemLayout.usageKey(connectionId, UsageShards.LEGACY, key);
  }

  /** Puts each delivery's user-day as the only one that ever counted it. */
  public static void put(
      DynamoDbClient dynamoDb, String usageTable, String connectionId, List<DayDelivery> days)
      throws UsageStoreUnavailableException {
    List<WriteRequest> puts = new ArrayList<>(days.size());
    UsageShards shards =
        new DynamoDbShardLayouts(dynamoDb, usageTable, Clock.systemUTC()).stored(connectionId);
    for (DayDelivery day : days) {
      Map<String, AttributeValue> item =
          new HashMap<>(ItemLayout.usageKey(connectionId, shards, day.key()));
      item.put(ItemLayout.DAY, s(day.key().day().toString()));
      item.put(ItemLayout.ACTOR_KIND, s(day.key().user().kind().name()));
      item.put(ItemLayout.ACTOR_ID, s(day.key().user().value()));
      item.put(PlainDayCounter.VERSION, n(1));
      item.put(
          PlainDayCounter.LAST_DELIVERIES, AttributeValue.builder().ss(day.deliveryId()).build());
      day.counters()
          .forEach(
              (counter, value) -> item.put(ItemLayout.COUNTER_PREFIX + counter.name(), n(value)));
      puts.add(WriteRequest.builder().putRequest(b -> b.item(item)).build());
    }
    DynamoDbCalls.batchWrite(dynamoDb, usageTable, puts);
  }
}
