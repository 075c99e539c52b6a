package ccotel.dynamodb;

import ccotel.usage.Counter;
import ccotel.usage.SeriesId;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Where ccotel's usage lives in DynamoDB (docs/decisions.md, "Usage table layout"): a usage item
 * per connection, UTC day and user, sorted by day then user, in one of the connection's partitions
 * ({@link UsageShards}), a number attribute {@code c:<name>} per counter; in the state table,
 * markers {@code d#}, series state {@code s#} (both expiring through {@code expiresAt}), identity
 * links {@code l#} and rosters {@code r#} ({@link DynamoDbRosterStore}).
 */
final class ItemLayout {

  static final String CONNECTION = "connectionId";
  static final String SORT_KEY = "sk";
  static final String STATE_KEY = "pk";
  static final String EXPIRES_AT = "expiresAt";
  static final String DAY = "day";
  static final String ACTOR_KIND = "actorKind";
  static final String ACTOR_ID = "actorId";
  static final String COUNTER_PREFIX = "c:";

  private ItemLayout() {}

  /** The client and tables every part of the usage store works on. */
  record Tables(
      DynamoDbClient dynamoDb,
      String usage,
      String state,
      Clock clock,
      Duration markerRetention,
      DynamoDbShardLayouts shards) {

    /** When a marker written now expires: after the last time its request can be delivered. */
    long markerExpiresAt() {
      return clock.instant().plus(markerRetention).getEpochSecond();
    }
  }

  /** The key of a user-day's item: its sort key, in the partition its connection's layout says. */
  static Map<String, AttributeValue> usageKey(
      String connectionId, UsageShards shards, UsageKey key) {
    String sortKey = sortKey(key);
    return Map.of(
        CONNECTION,
        s(usagePartition(connectionId, shards.countOn(key.day()), sortKey)),
        SORT_KEY,
        s(sortKey));
  }

  /**
   * The partition key of a user-day item whose day has {@code count} shards: the connection's own
   * key when one (as before shards, so old items read as they are), else {@code <connection>#<i>}
   * with i a hash of the sort key (day and user), leaving the connection's own key to the items
   * kept per connection (activity, day versions, budget).
   */
  static String usagePartition(String connectionId, int count, String sortKey) {
    return partition(connectionId, count, shardOf(sortKey, count));
  }

  /** Shard {@code shard} of {@code count}: the connection's own key when there is one shard. */
  private static String partition(String connectionId, int count, int shard) {
    return count == 1 ? connectionId : connectionId + "#" + shard;
  }

  /**
   * FNV-1a (64 bit) of the sort key's UTF-8 bytes, modulo the count: fixed by its definition, so
   * every writer and reader, in any JVM, agrees; and it spreads similar keys (one day's users)
   * evenly.
   */
  static int shardOf(String sortKey, int count) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : sortKey.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return (int) Long.remainderUnsigned(hash, count);
  }

  /**
   * DynamoDB's order of sort keys, UTF-8 bytes unsigned (not Java's UTF-16 order, which differs
   * past U+FFFF): what merging the shards' Queries sorts by, so the merged order is the order one
   * partition had, and a cursor means the same in every shard.
   */
  static final Comparator<String> SORT_KEY_ORDER =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  static final Comparator<Map<String, AttributeValue>> ITEM_ORDER =
      Comparator.comparing(item -> item.get(SORT_KEY).s(), SORT_KEY_ORDER);

  /** Every partition key that holds user-days of the days from {@code from} to {@code to}. */
  static List<String> usagePartitions(
      String connectionId, UsageShards shards, LocalDate from, LocalDate to) {
    Set<String> partitions = new LinkedHashSet<>();
    for (int count : shards.countsBetween(from, to)) {
      for (int shard = 0; shard < count; shard++) {
        partitions.add(partition(connectionId, count, shard));
      }
    }
    return List.copyOf(partitions);
  }

  /**
   * Every partition key any day of the layout uses, the connection's own first (it holds the items
   * kept per connection whatever the layout).
   */
  static List<String> everyPartition(String connectionId, UsageShards shards) {
    Set<String> partitions = new LinkedHashSet<>(List.of(connectionId));
    for (int count : shards.countFrom().values()) {
      for (int shard = 0; shard < count; shard++) {
        partitions.add(partition(connectionId, count, shard));
      }
    }
    return List.copyOf(partitions);
  }

  /**
   * A Query of one partition's user-days from {@code from} to {@code to}, in (day, user) order.
   * BETWEEN, not begins_with: DynamoDB Local runs begins_with as a scan of the whole partition. '#'
   * < '$': every sort key of day {@code to} sorts below "to$".
   */
  static QueryRequest.Builder days(
      String usageTable, String partition, LocalDate from, LocalDate to) {
    return QueryRequest.builder()
        .tableName(usageTable)
        .keyConditionExpression("#c = :c AND #sk BETWEEN :from AND :to")
        .expressionAttributeNames(Map.of("#c", CONNECTION, "#sk", SORT_KEY))
        .expressionAttributeValues(
            Map.of(":c", s(partition), ":from", s(from + "#"), ":to", s(to + "$")));
  }

  /** Day first, then the user's value, so items sort by date then actor. */
  static String sortKey(UsageKey key) {
    char kind =
        switch (key.user().kind()) {
          case EMAIL -> 'e';
          case ACCOUNT_UUID -> 'a';
          case USER_ID -> 'u';
        };
    return key.day() + "#" + key.user().value() + "#" + kind;
  }

  /** The marker of a counted delivery id, whichever way counted it. */
  static Map<String, AttributeValue> marker(
      String connectionId, String deliveryId, long expiresAt) {
    return Map.of(
        STATE_KEY, s(deliveryKeyPrefix(connectionId) + deliveryId), EXPIRES_AT, n(expiresAt));
  }

  static String deliveryKeyPrefix(String connectionId) {
    return "d#" + connectionId + "#";
  }

  static String seriesKey(String connectionId, SeriesId id) {
    return "s#" + connectionId + "#" + id.value();
  }

  static String linkKey(String connectionId, UserIdentity user) {
    return "l#"
        + connectionId
        + "#"
        + user.kind().name().toLowerCase(Locale.ROOT)
        + "#"
        + user.value();
  }

  /** The counters of a user-day item, by name, with their numbers as stored. */
  static Map<String, String> storedCounters(Map<String, AttributeValue> item) {
    Map<String, String> counters = new HashMap<>();
    item.forEach(
        (name, value) -> {
          if (name.startsWith(COUNTER_PREFIX)) {
            counters.put(name.substring(COUNTER_PREFIX.length()), value.n());
          }
        });
    return counters;
  }

  /**
   * What adds counters to a user-day item: {@code SET} its day and user (for the reader), {@code
   * ADD} each counter, so concurrent writers never read-modify-write.
   */
  record CounterUpdate(
      String setClause,
      String addClause,
      Map<String, String> names,
      Map<String, AttributeValue> values) {

    static CounterUpdate of(UsageKey key, Map<Counter, Long> counters) {
      Map<String, String> names = new HashMap<>();
      Map<String, AttributeValue> values = new HashMap<>();
      names.put("#day", DAY);
      names.put("#kind", ACTOR_KIND);
      names.put("#id", ACTOR_ID);
      values.put(":day", s(key.day().toString()));
      values.put(":kind", s(key.user().kind().name()));
      values.put(":id", s(key.user().value()));
      StringBuilder add = new StringBuilder();
      int i = 0;
      for (Map.Entry<Counter, Long> counter : counters.entrySet()) {
        names.put("#c" + i, COUNTER_PREFIX + counter.getKey().name());
        values.put(":c" + i, n(counter.getValue()));
        add.append(i == 0 ? " ADD " : ", ").append("#c").append(i).append(" :c").append(i);
        i++;
      }
      return new CounterUpdate(
          "SET #day = :day, #kind = :kind, #id = :id", add.toString(), names, values);
    }
  }

  static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  static AttributeValue n(long value) {
    return AttributeValue.builder().n(Long.toString(value)).build();
  }
}
