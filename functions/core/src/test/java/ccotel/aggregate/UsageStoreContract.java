package ccotel.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.query.InvalidCursorException;
import ccotel.query.StoredUsage;
import ccotel.query.UsagePage;
import ccotel.query.UsageReader;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.SeriesId;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link UsageStore} and {@link UsageReader} must do, run against the in-memory fake and
 * against DynamoDB Local, so the fake used by core tests cannot drift from the real adapter.
 */
public abstract class UsageStoreContract {

  protected static final LocalDate DAY = LocalDate.parse("2026-11-24");
  protected static final UserIdentity ALICE = UserIdentity.email("alice@example.com");
  protected static final UserIdentity BOB = UserIdentity.email("bob@example.com");
  private static final Counter SESSIONS = Counter.of(CounterFamily.SESSIONS);
  private static final Counter SONNET_COST =
      Counter.of(CounterFamily.METRIC_COST_NANO_USD, "claude-sonnet-4-5");

  protected abstract UsageStore store();

  protected abstract UsageReader reader();

  /** Each test works in a connection of its own, so one store can serve a whole class. */
  private final String connection = "conn_" + UUID.randomUUID();

  @Test
  void identityLinks_areSavedAndLoaded_perConnection() throws Exception {
    UserIdentity account = UserIdentity.accountUuid("9f1c-account");
    UserIdentity id = UserIdentity.userId("a1b2c3");
    UserIdentity unknown = UserIdentity.userId("never-seen");

    store().saveLinks(connection, Map.of(account, ALICE, id, ALICE));
    store().saveLinks(connection, Map.of(id, BOB)); // seen later with another e-mail: latest wins

    assertEquals(
        Map.of(account, ALICE, id, BOB),
        store().loadLinks(connection, java.util.List.of(account, id, unknown)));
    assertEquals(
        Map.of(), store().loadLinks("conn_other_" + UUID.randomUUID(), java.util.List.of(account)));
  }

  @Test
  void commit_countsOnce_whenTheSameDeliveryIsAppliedTwice() throws Exception {
    UsageCommit delivery = delivery("d1", tally(new UsageKey(DAY, ALICE), SESSIONS, 1));

    assertTrue(store().commit(delivery));
    assertFalse(store().commit(delivery));

    assertEquals(1, counter(new UsageKey(DAY, ALICE), SESSIONS));
  }

  @Test
  void commit_addsUp_acrossDeliveries() throws Exception {
    UsageKey key = new UsageKey(DAY, ALICE);
    store().commit(delivery("d1", tally(key, SONNET_COST, 61_590_750L)));
    store().commit(delivery("d2", tally(key, SONNET_COST, 7_269_900L)));
    store().commit(delivery("d3", tally(key, SESSIONS, 1)));

    assertEquals(68_860_650L, counter(key, SONNET_COST));
    assertEquals(1, counter(key, SESSIONS));
  }

  @Test
  void commit_keepsUsersApart_onOneDay() throws Exception {
    UsageTally tally = new UsageTally();
    tally.add(new UsageKey(DAY, ALICE), SESSIONS, 2);
    tally.add(new UsageKey(DAY, BOB), SESSIONS, 3);
    store().commit(delivery("d1", tally));

    assertEquals(2, counter(new UsageKey(DAY, ALICE), SESSIONS));
    assertEquals(3, counter(new UsageKey(DAY, BOB), SESSIONS));
  }

  @Test
  void commit_keepsConnectionsApart() throws Exception {
    UsageKey key = new UsageKey(DAY, ALICE);
    String other = "conn_" + UUID.randomUUID();
    store().commit(delivery("same-id", tally(key, SESSIONS, 1)));
    assertTrue(
        store()
            .commit(new UsageCommit(other, "same-id", tally(key, SESSIONS, 5), new TreeMap<>())));

    assertEquals(1, counter(key, SESSIONS));
    assertEquals(5, readAll(other, DAY, DAY).get(0).get(SESSIONS));
  }

  @Test
  void read_keepsDaysApart_andOrdersByDayThenUser() throws Exception {
    UsageTally tally = new UsageTally();
    tally.add(new UsageKey(DAY.plusDays(1), ALICE), SESSIONS, 1);
    tally.add(new UsageKey(DAY, BOB), SESSIONS, 2);
    tally.add(new UsageKey(DAY, ALICE), SESSIONS, 3);
    tally.add(new UsageKey(DAY.minusDays(1), BOB), SESSIONS, 4);
    store().commit(delivery("d1", tally));

    List<StoredUsage> rows = readAll(connection, DAY, DAY.plusDays(1));

    assertEquals(
        List.of(
            new UsageKey(DAY, ALICE), new UsageKey(DAY, BOB), new UsageKey(DAY.plusDays(1), ALICE)),
        rows.stream().map(StoredUsage::key).toList());
    assertEquals(List.of(3L, 2L, 1L), rows.stream().map(r -> r.get(SESSIONS)).toList());
  }

  @Test
  void read_pagesThroughEveryRowOnce() throws Exception {
    UsageTally tally = new UsageTally();
    for (int user = 0; user < 7; user++) {
      tally.add(
          new UsageKey(DAY, UserIdentity.email("user" + user + "@example.com")),
          SESSIONS,
          user + 1);
    }
    store().commit(delivery("d1", tally));

    List<StoredUsage> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    int pages = 0;
    do {
      UsagePage page = reader().read(connection, DAY, DAY, 3, cursor);
      seen.addAll(page.rows());
      cursor = page.nextCursor();
      pages++;
    } while (cursor.isPresent());

    assertEquals(3, pages);
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seen.stream().map(r -> r.get(SESSIONS)).toList());
  }

  @Test
  void read_saysNoMore_whenThePageIsExactlyFull() throws Exception {
    UsageTally tally = new UsageTally();
    tally.add(new UsageKey(DAY, ALICE), SESSIONS, 1);
    tally.add(new UsageKey(DAY, BOB), SESSIONS, 1);
    store().commit(delivery("d1", tally));

    UsagePage page = reader().read(connection, DAY, DAY, 2, Optional.empty());

    assertEquals(2, page.rows().size());
    assertEquals(Optional.empty(), page.nextCursor());
  }

  @Test
  void read_rejectsACursorOutsideTheRange() throws Exception {
    UsageTally tally = new UsageTally();
    tally.add(new UsageKey(DAY, ALICE), SESSIONS, 1);
    tally.add(new UsageKey(DAY, BOB), SESSIONS, 1);
    store().commit(delivery("d1", tally));
    Optional<String> cursor = reader().read(connection, DAY, DAY, 1, Optional.empty()).nextCursor();
    assertTrue(cursor.isPresent());

    assertThrows(
        InvalidCursorException.class,
        () -> reader().read(connection, DAY.plusDays(1), DAY.plusDays(2), 10, cursor));
    assertThrows(
        InvalidCursorException.class,
        () -> reader().read(connection, DAY.minusDays(2), DAY.minusDays(1), 10, cursor));
  }

  @Test
  void read_rejectsACursorItDidNotMake() {
    assertThrows(
        InvalidCursorException.class,
        () -> reader().read(connection, DAY, DAY, 10, Optional.of("not a cursor")));
  }

  @Test
  void series_areCreatedOnce_andComparedAndSet() throws Exception {
    SeriesId id = new SeriesId("0123456789abcdef0123456789abcdef");
    SeriesState first = new SeriesState(100, 10);
    SeriesState second = new SeriesState(200, 25);
    UsageKey key = new UsageKey(DAY, ALICE);

    store().commit(withSeries("d1", tally(key, SESSIONS, 10), id, null, first));
    assertEquals(Map.of(id, first), store().loadSeries(connection, List.of(id)));

    // A writer that still believes the series is new loses, and writes nothing at all.
    assertThrows(
        WriteConflictException.class,
        () -> store().commit(withSeries("d2", tally(key, SESSIONS, 99), id, null, second)));
    assertEquals(10, counter(key, SESSIONS));

    assertTrue(store().commit(withSeries("d2", tally(key, SESSIONS, 15), id, first, second)));
    assertEquals(Map.of(id, second), store().loadSeries(connection, List.of(id)));
    assertEquals(25, counter(key, SESSIONS));
  }

  @Test
  void loadSeries_returnsNothing_forUnknownSeries() throws Exception {
    assertEquals(
        Map.of(),
        store().loadSeries(connection, List.of(new SeriesId("ffffffffffffffffffffffffffffffff"))));
  }

  @Test
  void commit_takesTheMostWritesItAdvertises() throws Exception {
    int writes = store().maxWritesPerDelivery();
    UsageTally tally = new UsageTally();
    for (int user = 0; user < writes - 1; user++) {
      tally.add(new UsageKey(DAY, UserIdentity.userId("u" + user)), SESSIONS, 1);
    }
    assertTrue(store().commit(delivery("big", tally)));
    assertEquals(writes - 1, readAll(connection, DAY, DAY).size());
  }

  // ---- counting on one user-day with plain writes

  private static final UsageStore.Counted NOW = UsageStore.Counted.NOW;
  private static final UsageStore.Counted BEFORE = UsageStore.Counted.BEFORE;

  @Test
  void countOnce_addsEachDeliveryOnce_withinACall_andAcrossCalls() throws Exception {
    UsageKey alice = new UsageKey(DAY, ALICE);
    UsageKey bob = new UsageKey(DAY, BOB);

    assertEquals(
        Map.of("p1", NOW, "p2", NOW, "p3", NOW),
        store()
            .countOnce(
                connection, List.of(day("p1", alice, 1), day("p2", alice, 2), day("p3", bob, 4))));
    assertEquals(
        Map.of("p1", BEFORE, "p2", BEFORE, "p4", NOW),
        store()
            .countOnce(
                connection,
                List.of(day("p1", alice, 1), day("p4", alice, 8), day("p2", alice, 2))));
    assertEquals(Map.of("p4", BEFORE), store().countOnce(connection, List.of(day("p4", alice, 8))));

    assertEquals(11, counter(alice, SESSIONS));
    assertEquals(4, counter(bob, SESSIONS));
  }

  @Test
  void countOnce_ofManyDeliveriesOfOneDay_countsEachOnce() throws Exception {
    UsageKey alice = new UsageKey(DAY, ALICE);
    List<DayDelivery> deliveries = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      deliveries.add(day("many" + i, alice, i));
    }

    Map<String, UsageStore.Counted> first = store().countOnce(connection, deliveries);
    Map<String, UsageStore.Counted> again = store().countOnce(connection, deliveries);

    assertEquals(30, first.size());
    assertTrue(first.values().stream().allMatch(NOW::equals), first.toString());
    assertTrue(again.values().stream().allMatch(BEFORE::equals), again.toString());
    assertEquals(30 * 31 / 2, counter(alice, SESSIONS));
  }

  @Test
  void countOnce_andCommits_seeEachOthersIds() throws Exception {
    UsageKey key = new UsageKey(DAY, ALICE);
    assertTrue(store().commit(delivery("marked", tally(key, SESSIONS, 1))));

    assertEquals(
        Map.of("marked", BEFORE, "plain", NOW),
        store().countOnce(connection, List.of(day("marked", key, 10), day("plain", key, 1000))));
    // What plain writes counted, a transaction finds counted.
    assertFalse(store().commit(delivery("plain", tally(key, SESSIONS, 100))));

    assertEquals(1001, counter(key, SESSIONS));
  }

  @Test
  void countOnce_keepsConnectionsApart() throws Exception {
    UsageKey key = new UsageKey(DAY, ALICE);
    String other = "conn_other_" + UUID.randomUUID();

    assertEquals(Map.of("same", NOW), store().countOnce(connection, List.of(day("same", key, 1))));
    assertEquals(Map.of("same", NOW), store().countOnce(other, List.of(day("same", key, 2))));

    assertEquals(1, counter(key, SESSIONS));
    assertEquals(2, readAll(other, DAY, DAY).get(0).get(SESSIONS));
  }

  @Test
  void aStoredCounter_reachesItsCeiling_butNeverPassesIt_eitherWay() throws Exception {
    UsageKey key = new UsageKey(DAY, ALICE);
    store().countOnce(connection, List.of(day("near", key, DayLimits.MAX_COUNTER_VALUE - 3)));

    assertThrows(
        UsageRefusedException.class,
        () -> store().countOnce(connection, List.of(day("past1", key, 4))));
    assertThrows(
        UsageRefusedException.class,
        () -> store().commit(delivery("past2", tally(key, SESSIONS, 4))));
    assertTrue(store().commit(delivery("upTo", tally(key, SESSIONS, 3))));

    assertEquals(DayLimits.MAX_COUNTER_VALUE, counter(key, SESSIONS));
    // A refused write counted nothing, so its id is free: the same id counts once it fits.
    assertEquals(
        Map.of("past1", NOW),
        store().countOnce(connection, List.of(day("past1", new UsageKey(DAY, BOB), 4))));
  }

  @Test
  void aUserDay_holdsAtMostItsCapOfDistinctCounters_eitherWay() throws Exception {
    UsageKey key = new UsageKey(DAY, ALICE);
    // Several writes, as separate exports would fill it.
    for (int from = 0; from < DayLimits.MAX_COUNTERS - 2; from += 100) {
      TreeMap<Counter, Long> tools = new TreeMap<>();
      for (int i = from; i < Math.min(from + 100, DayLimits.MAX_COUNTERS - 2); i++) {
        tools.put(Counter.of(CounterFamily.TOOL_SUCCEEDED, "tool" + i), 1L);
      }
      store().countOnce(connection, List.of(new DayDelivery("fill" + from, key, tools)));
    }
    UsageTally threeNew = new UsageTally();
    threeNew.add(key, SESSIONS, 1);
    threeNew.add(key, SONNET_COST, 1);
    threeNew.add(key, Counter.of(CounterFamily.PROMPTS), 1);
    TreeMap<Counter, Long> threeNewCounters = new TreeMap<>(threeNew.byKey().get(key));

    assertThrows(
        UsageRefusedException.class,
        () -> store().countOnce(connection, List.of(new DayDelivery("3a", key, threeNewCounters))));
    assertThrows(UsageRefusedException.class, () -> store().commit(delivery("3b", threeNew)));
    assertTrue(store().commit(delivery("2", tally(key, SESSIONS, 5))));
    store().countOnce(connection, List.of(day("2again", key, 6)));
    assertTrue(store().commit(delivery("last", tally(key, SONNET_COST, 7))));

    StoredUsage row = readAll(connection, DAY, DAY).get(0);
    assertEquals(DayLimits.MAX_COUNTERS, row.counters().size());
    assertEquals(11, row.get(SESSIONS));
    assertEquals(7, row.get(SONNET_COST));
  }

  private static DayDelivery day(String id, UsageKey key, long sessions) {
    TreeMap<Counter, Long> counters = new TreeMap<>();
    counters.put(SESSIONS, sessions);
    return new DayDelivery(id, key, counters);
  }

  private UsageCommit delivery(String id, UsageTally tally) {
    return new UsageCommit(connection, id, tally, new TreeMap<>());
  }

  private UsageCommit withSeries(
      String id, UsageTally tally, SeriesId series, SeriesState expected, SeriesState next) {
    TreeMap<SeriesId, SeriesChange> changes = new TreeMap<>();
    changes.put(series, new SeriesChange(expected, next));
    return new UsageCommit(connection, id, tally, changes);
  }

  private static UsageTally tally(UsageKey key, Counter counter, long amount) {
    UsageTally tally = new UsageTally();
    tally.add(key, counter, amount);
    return tally;
  }

  private long counter(UsageKey key, Counter counter) throws Exception {
    for (StoredUsage row : readAll(connection, key.day(), key.day())) {
      if (row.key().equals(key)) {
        return row.get(counter);
      }
    }
    return 0;
  }

  private List<StoredUsage> readAll(String connectionId, LocalDate from, LocalDate to)
      throws Exception {
    List<StoredUsage> rows = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    do {
      UsagePage page = reader().read(connectionId, from, to, 1000, cursor);
      rows.addAll(page.rows());
      cursor = page.nextCursor();
    } while (cursor.isPresent());
    return rows;
  }
}
