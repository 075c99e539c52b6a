package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.EXPIRES_AT;
import static ccotel.dynamodb.ItemLayout.STATE_KEY;
import static ccotel.dynamodb.ItemLayout.n;
import static ccotel.dynamodb.ItemLayout.s;

import ccotel.aggregate.SeriesChange;
import ccotel.aggregate.SeriesState;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.usage.SeriesId;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** The state of cumulative series: the time and running total of each one's last counted point. */
final class SeriesStateTable {

  /**
   * How long a series' state outlives its last write: without it, the series' next point would
   * count its whole running total again (a Claude Code process asleep for over a year).
   */
  static final Duration SERIES_RETENTION = Duration.ofDays(400);

  private static final String LAST_TIME = "lastTime";
  private static final String LAST_VALUE = "lastValue";

  private final ItemLayout.Tables tables;

  SeriesStateTable(ItemLayout.Tables tables) {
    this.tables = tables;
  }

  /** Consistent reads: a series may have just been written. */
  Map<SeriesId, SeriesState> load(String connectionId, Collection<SeriesId> series)
      throws UsageStoreUnavailableException {
    Map<String, SeriesId> byKey = new HashMap<>();
    series.forEach(id -> byKey.put(ItemLayout.seriesKey(connectionId, id), id));
    List<Map<String, AttributeValue>> keys =
        byKey.keySet().stream().map(key -> Map.of(STATE_KEY, s(key))).toList();
    Map<SeriesId, SeriesState> found = new HashMap<>();
    for (Map<String, AttributeValue> item :
        DynamoDbCalls.batchGet(tables.dynamoDb(), tables.state(), keys)) {
      found.put(
          byKey.get(item.get(STATE_KEY).s()),
          new SeriesState(
              Long.parseLong(item.get(LAST_TIME).n()), Long.parseLong(item.get(LAST_VALUE).n())));
    }
    return found;
  }

  /** The transaction's put of a series' next state, if it still has the state expected. */
  TransactWriteItem put(String connectionId, SeriesId id, SeriesChange change) {
    Put.Builder put =
        Put.builder()
            .tableName(tables.state())
            .item(
                Map.of(
                    STATE_KEY, s(ItemLayout.seriesKey(connectionId, id)),
                    LAST_TIME, n(change.next().lastTimeUnixNano()),
                    LAST_VALUE, n(change.next().lastValue()),
                    EXPIRES_AT,
                        n(tables.clock().instant().plus(SERIES_RETENTION).getEpochSecond())));
    if (change.expected() == null) {
      put.conditionExpression("attribute_not_exists(" + STATE_KEY + ")");
    } else {
      put.conditionExpression("#t = :t AND #v = :v")
          .expressionAttributeNames(Map.of("#t", LAST_TIME, "#v", LAST_VALUE))
          .expressionAttributeValues(
              Map.of(
                  ":t", n(change.expected().lastTimeUnixNano()),
                  ":v", n(change.expected().lastValue())));
    }
    return TransactWriteItem.builder().put(put.build()).build();
  }
}
