package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.CONNECTION;
import static ccotel.dynamodb.ItemLayout.SORT_KEY;
import static ccotel.dynamodb.ItemLayout.n;
import static ccotel.dynamodb.ItemLayout.s;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Each connection's {@link UsageShards}, as the item {@value #SORT_KEY_VALUE} under the
 * connection's own partition of the usage table (map {@code countFrom}: day → count), read with a
 * Query (what the query function may do) and kept a minute. A change takes effect at the earliest
 * {@value #LEAD_DAYS} UTC days ahead: usage may be dated up to a day ahead, so every cached copy
 * has long been refreshed before any item of a changed day is written, and a user-day never has
 * items under two keys.
 */
public final class DynamoDbShardLayouts {

  static final String SORT_KEY_VALUE = "shards";
  private static final String COUNT_FROM = "countFrom";

  /** Days between today and the first day a change may take effect. */
  public static final int LEAD_DAYS = 3;

  static final Duration CACHED_FOR = Duration.ofMinutes(1);
  private static final int MAX_CACHED = 10_000;

  private final DynamoDbClient dynamoDb;
  private final String usageTable;
  private final Clock clock;
  private final ConcurrentHashMap<String, Cached> cached = new ConcurrentHashMap<>();

  private record Cached(UsageShards shards, Instant until) {}

  public DynamoDbShardLayouts(DynamoDbClient dynamoDb, String usageTable, Clock clock) {
    this.dynamoDb = dynamoDb;
    this.usageTable = usageTable;
    this.clock = clock;
  }

  /**
   * The connection's layout, at most {@link #CACHED_FOR} old; {@link UsageShards#LEGACY} if none.
   */
  public UsageShards of(String connectionId) {
    Instant now = clock.instant();
    Cached entry = cached.get(connectionId);
    if (entry != null && now.isBefore(entry.until())) {
      return entry.shards();
    }
    UsageShards shards = read(connectionId, false);
    if (cached.size() >= MAX_CACHED) {
      cached.clear(); // bounded: connections are few, so this is rare
    }
    cached.put(connectionId, new Cached(shards, now.plus(CACHED_FOR)));
    return shards;
  }

  /** The stored layout, read consistently (for the admin). */
  public UsageShards stored(String connectionId) {
    return read(connectionId, true);
  }

  private UsageShards read(String connectionId, boolean consistent) {
    List<Map<String, AttributeValue>> items =
        dynamoDb
            .query(
                b ->
                    b.tableName(usageTable)
                        .keyConditionExpression("#c = :c AND #sk = :sk")
                        .expressionAttributeNames(Map.of("#c", CONNECTION, "#sk", SORT_KEY))
                        .expressionAttributeValues(
                            Map.of(":c", s(connectionId), ":sk", s(SORT_KEY_VALUE)))
                        .consistentRead(consistent))
            .items();
    if (items.isEmpty()) {
      return UsageShards.LEGACY;
    }
    TreeMap<LocalDate, Integer> countFrom = new TreeMap<>();
    items
        .get(0)
        .get(COUNT_FROM)
        .m()
        .forEach((day, count) -> countFrom.put(LocalDate.parse(day), Integer.parseInt(count.n())));
    return new UsageShards(countFrom);
  }

  /**
   * A new connection's layout: {@code count} shards from {@code day} on, if it has none (a
   * connection with items is never given one this way: that could move its days).
   */
  public void initial(String connectionId, LocalDate day, int count) {
    UsageShards.checkCount(count);
    try {
      put(connectionId, UsageShards.from(day, count), "attribute_not_exists(#sk)", Map.of());
    } catch (ConditionalCheckFailedException e) {
      // it has one already
    }
  }

  /**
   * Sets {@code count} shards from {@code day} on, keeping the counts of the days before it; {@code
   * day} must be at least {@value #LEAD_DAYS} UTC days ahead. Returns the layout now stored.
   */
  public UsageShards change(String connectionId, LocalDate day, int count) {
    UsageShards.checkCount(count);
    LocalDate earliest = earliestChange();
    if (day.isBefore(earliest)) {
      throw new IllegalArgumentException(
          "a shard count change takes effect on "
              + earliest
              + " at the earliest (usage may be dated a day ahead, and layouts are cached)");
    }
    UsageShards before = stored(connectionId);
    UsageShards after = before.with(day, count);
    // Compare-and-set on the map read, so two admins never lose each other's change silently.
    try {
      if (before.countFrom().isEmpty()) {
        put(connectionId, after, "attribute_not_exists(#sk)", Map.of());
      } else {
        put(
            connectionId,
            after,
            "attribute_exists(#sk) AND #m = :before",
            Map.of(":before", countMap(before)));
      }
    } catch (ConditionalCheckFailedException e) {
      throw new IllegalStateException("the layout changed meanwhile; try again", e);
    }
    return after;
  }

  /** The first UTC day a change made now may take effect. */
  public LocalDate earliestChange() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(LEAD_DAYS);
  }

  private void put(
      String connectionId,
      UsageShards shards,
      String condition,
      Map<String, AttributeValue> conditionValues) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(CONNECTION, s(connectionId));
    item.put(SORT_KEY, s(SORT_KEY_VALUE));
    item.put(COUNT_FROM, countMap(shards));
    Map<String, String> names = new HashMap<>(Map.of("#sk", SORT_KEY));
    if (condition.contains("#m")) {
      names.put("#m", COUNT_FROM);
    }
    dynamoDb.putItem(
        b ->
            b.tableName(usageTable)
                .item(item)
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(conditionValues.isEmpty() ? null : conditionValues));
    cached.remove(connectionId);
  }

  private static AttributeValue countMap(UsageShards shards) {
    Map<String, AttributeValue> counts = new HashMap<>();
    shards.countFrom().forEach((day, count) -> counts.put(day.toString(), n(count)));
    return AttributeValue.fromM(counts);
  }
}
