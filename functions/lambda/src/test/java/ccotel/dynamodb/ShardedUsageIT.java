package ccotel.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.aggregate.DayDelivery;
import ccotel.aggregate.UsageCommit;
import ccotel.aggregate.UsageStore.Counted;
import ccotel.embedded.EmbeddedAws;
import ccotel.lambda.AwsTestStack;
import ccotel.query.StoredUsage;
import ccotel.query.UsagePage;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A connection's user-days spread over its shards on DynamoDB Local, against a twin connection of
 * one key (the layout before shards) given the same deliveries: the items sit in the keys the
 * layout says, and every reader returns exactly the twin's records, in the twin's order.
 */
class ShardedUsageIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final Counter SESSIONS = Counter.of(CounterFamily.SESSIONS);
  private static final LocalDate DAY = LocalDate.parse("2026-11-20");

  private static AwsTestStack stack;
  private static DynamoDbClient dynamoDb;

  private final String sharded = "conn_" + UUID.randomUUID();
  private final String twin = "conn_" + UUID.randomUUID();

  @BeforeAll
  static void createTables() {
    stack = new AwsTestStack(AWS);
    dynamoDb = AWS.dynamoDb().client();
  }

  @Test
  void userDaysSpreadOverEveryShard_andReadExactlyAsFromOneKey() throws Exception {
    layouts(Clock.systemUTC()).initial(sharded, LocalDate.parse("2026-01-01"), 8);
    DynamoDbUsageStore store = store(Clock.systemUTC());
    List<DayDelivery> deliveries = deliveries(DAY, 3, 60);
    countBoth(store, deliveries);
    // Transactions (several user-days at once) take the layout's keys too.
    UsageTally tally = new UsageTally();
    tally.add(new UsageKey(DAY, UserIdentity.email("user-7@example.com")), SESSIONS, 1000);
    tally.add(new UsageKey(DAY.plusDays(3), UserIdentity.email("late@example.com")), SESSIONS, 9);
    for (String connection : List.of(sharded, twin)) {
      assertTrue(store.commit(new UsageCommit(connection, "tx1", tally, new TreeMap<>())));
    }

    Map<String, String> keys = usageItemKeys(sharded);
    assertEquals(3 * 60 + 1, keys.size());
    keys.forEach(
        (sortKey, partition) ->
            assertEquals(sharded + "#" + ItemLayout.shardOf(sortKey, 8), partition, sortKey));
    Set<String> used = new TreeSet<>(keys.values());
    assertEquals(8, used.size(), "every shard holds some of 181 user-days: " + used);
    Set<String> twinKeys = new HashSet<>(usageItemKeys(twin).values());
    assertEquals(Set.of(twin), twinKeys, "one key, the connection's own");

    assertReadAlike(store, DAY, DAY.plusDays(3));
    assertEquals(
        3 * 60 * 5 + 1000 + 9,
        readAll(store, sharded, DAY, DAY.plusDays(3), 1000).stream()
            .mapToLong(row -> row.get(SESSIONS))
            .sum());
  }

  @Test
  void aLayoutChange_takesEffectDaysAhead_andOldItemsReadWhereTheyAre() throws Exception {
    DynamoDbUsageStore before = store(Clock.systemUTC());
    List<DayDelivery> early = deliveries(DAY, 2, 30);
    countBoth(before, early);

    Clock changedOn =
        Clock.fixed(DAY.plusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
    DynamoDbShardLayouts admin = layouts(changedOn);
    assertThrows(IllegalArgumentException.class, () -> admin.change(sharded, DAY.plusDays(3), 4));
    UsageShards changed = admin.change(sharded, DAY.plusDays(4), 4);
    assertEquals(1, changed.countOn(DAY.plusDays(3)));
    assertEquals(4, changed.countOn(DAY.plusDays(4)));

    // Aggregators see the change within a minute; its first day is days away.
    DynamoDbUsageStore after = store(Clock.systemUTC());
    countBoth(after, deliveries(DAY.plusDays(3), 3, 30));
    // A redelivered export of a day before the change finds its item, and counts nothing twice.
    assertEquals(
        Map.of(early.get(0).deliveryId(), Counted.BEFORE),
        after.countOnce(sharded, List.of(early.get(0))));

    usageItemKeys(sharded)
        .forEach(
            (sortKey, partition) -> {
              LocalDate day = LocalDate.parse(sortKey.substring(0, 10));
              assertEquals(
                  day.isBefore(DAY.plusDays(4))
                      ? sharded
                      : sharded + "#" + ItemLayout.shardOf(sortKey, 4),
                  partition,
                  sortKey);
            });
    assertReadAlike(after, DAY, DAY.plusDays(5));
    assertReadAlike(after, DAY.plusDays(4), DAY.plusDays(5));
  }

  @Test
  void aLayoutIsSetOnceForANewConnection_andCountsAreBounded() {
    DynamoDbShardLayouts layouts = layouts(Clock.systemUTC());
    layouts.initial(sharded, DAY, 8);
    layouts.initial(sharded, DAY, 2); // a second "first" layout changes nothing
    assertEquals(UsageShards.from(DAY, 8), layouts.stored(sharded));
    assertEquals(UsageShards.LEGACY, layouts.stored(twin));
    assertThrows(IllegalArgumentException.class, () -> layouts.initial(twin, DAY, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> layouts.initial(twin, DAY, UsageShards.MAX_COUNT + 1));
  }

  /** Each page size's pages, and the summary's day reader, return exactly the twin's rows. */
  private void assertReadAlike(DynamoDbUsageStore store, LocalDate from, LocalDate to)
      throws Exception {
    List<StoredUsage> expected = readAll(store, twin, from, to, 1000);
    assertTrue(expected.size() > 10);
    for (int limit : List.of(1, 2, 3, 7, 1000)) {
      assertEquals(expected, readAll(store, sharded, from, to, limit), "pages of " + limit);
    }
    for (Integer pageLimit : new Integer[] {2, null}) {
      DynamoDbRangeReader days =
          new DynamoDbRangeReader(dynamoDb, stack.config.usageTable(), 3, pageLimit, true);
      Map<LocalDate, List<StoredUsage>> twinDays = new LinkedHashMap<>();
      Map<LocalDate, List<StoredUsage>> shardedDays = new LinkedHashMap<>();
      days.readRange(twin, from, to, twinDays::put);
      days.readRange(sharded, from, to, shardedDays::put);
      assertEquals(twinDays, shardedDays);
    }
  }

  private static List<StoredUsage> readAll(
      DynamoDbUsageStore store, String connection, LocalDate from, LocalDate to, int limit)
      throws Exception {
    List<StoredUsage> rows = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    do {
      UsagePage page = store.read(connection, from, to, limit, cursor);
      assertTrue(page.rows().size() <= limit);
      rows.addAll(page.rows());
      cursor = page.nextCursor();
    } while (cursor.isPresent());
    assertEquals(rows.size(), new HashSet<>(rows).size(), "no record twice");
    return rows;
  }

  private void countBoth(DynamoDbUsageStore store, List<DayDelivery> deliveries) throws Exception {
    for (String connection : List.of(sharded, twin)) {
      for (int i = 0; i < deliveries.size(); i += 40) {
        Map<String, Counted> counted =
            store.countOnce(connection, deliveries.subList(i, Math.min(i + 40, deliveries.size())));
        counted.values().forEach(c -> assertEquals(Counted.NOW, c));
      }
    }
  }

  /**
   * One delivery of 5 sessions per user and day; users whose names sort differently in UTF-8 and
   * UTF-16 (DynamoDB's order is UTF-8's) among them.
   */
  private static List<DayDelivery> deliveries(LocalDate first, int days, int users) {
    List<DayDelivery> deliveries = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      for (int u = 0; u < users; u++) {
        UserIdentity user =
            switch (u) {
              case 0 -> UserIdentity.email("\uFF21@example.com"); // fullwidth A: EF BC A1
              case 1 -> UserIdentity.email("\uD83D\uDE00@example.com"); // emoji: F0 9F 98 80
              case 2 -> UserIdentity.accountUuid("user-5@example.com"); // same value, other kind
              default -> UserIdentity.email("user-" + u + "@example.com");
            };
        UsageKey key = new UsageKey(first.plusDays(d), user);
        deliveries.add(
            new DayDelivery("d-" + key.day() + "-" + u, key, new TreeMap<>(Map.of(SESSIONS, 5L))));
      }
    }
    return deliveries;
  }

  /** The partition key of each of the connection's user-day items, by sort key (a table scan). */
  private static Map<String, String> usageItemKeys(String connection) {
    Map<String, String> keys = new TreeMap<>();
    for (Map<String, AttributeValue> item :
        dynamoDb.scanPaginator(b -> b.tableName(stack.config.usageTable())).items()) {
      String partition = item.get(ItemLayout.CONNECTION).s();
      String sortKey = item.get(ItemLayout.SORT_KEY).s();
      if ((partition.equals(connection) || partition.startsWith(connection + "#"))
          && Character.isDigit(sortKey.charAt(0))) {
        assertEquals(null, keys.put(sortKey, partition), "one item per user-day: " + sortKey);
      }
    }
    return keys;
  }

  private static DynamoDbShardLayouts layouts(Clock clock) {
    return new DynamoDbShardLayouts(dynamoDb, stack.config.usageTable(), clock);
  }

  private static DynamoDbUsageStore store(Clock clock) {
    return new DynamoDbUsageStore(
        dynamoDb,
        stack.config.usageTable(),
        stack.config.stateTable(),
        clock,
        stack.config.deliveryRetention());
  }
}
