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
  void apply_countsOnce_whenTheSameDeliveryIsAppliedTwice() throws Exception {
    UsageDelivery delivery = delivery("d1", tally(new UsageKey(DAY, ALICE), SESSIONS, 1));

    assertTrue(store().apply(delivery));
    assertFalse(store().apply(delivery));

    assertEquals(1, counter(new UsageKey(DAY, ALICE), SESSIONS));
  }

  @Test
  void apply_addsUp_acrossDeliveries() throws Exception {
    UsageKey key = new UsageKey(DAY, ALICE);
    store().apply(delivery("d1", tally(key, SONNET_COST, 61_590_750L)));
    store().apply(delivery("d2", tally(key, SONNET_COST, 7_269_900L)));
    store().apply(delivery("d3", tally(key, SESSIONS, 1)));

    assertEquals(68_860_650L, counter(key, SONNET_COST));
    assertEquals(1, counter(key, SESSIONS));
  }

  @Test
  void apply_keepsUsersApart_onOneDay() throws Exception {
    UsageTally tally = new UsageTally();
    tally.add(new UsageKey(DAY, ALICE), SESSIONS, 2);
    tally.add(new UsageKey(DAY, BOB), SESSIONS, 3);
    store().apply(delivery("d1", tally));

    assertEquals(2, counter(new UsageKey(DAY, ALICE), SESSIONS));
    assertEquals(3, counter(new UsageKey(DAY, BOB), SESSIONS));
  }

  @Test
  void apply_keepsConnectionsApart() throws Exception {
    UsageKey key = new UsageKey(DAY, ALICE);
    String other = "conn_" + UUID.randomUUID();
    store().apply(delivery("same-id", tally(key, SESSIONS, 1)));
    assertTrue(
        store()
            .apply(new UsageDelivery(other, "same-id", tally(key, SESSIONS, 5), new TreeMap<>())));

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
    store().apply(delivery("d1", tally));

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
    store().apply(delivery("d1", tally));

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
    store().apply(delivery("d1", tally));

    UsagePage page = reader().read(connection, DAY, DAY, 2, Optional.empty());

    assertEquals(2, page.rows().size());
    assertEquals(Optional.empty(), page.nextCursor());
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

    store().apply(withSeries("d1", tally(key, SESSIONS, 10), id, null, first));
    assertEquals(Map.of(id, first), store().loadSeries(connection, List.of(id)));

    // A writer that still believes the series is new loses, and writes nothing at all.
    assertThrows(
        WriteConflictException.class,
        () -> store().apply(withSeries("d2", tally(key, SESSIONS, 99), id, null, second)));
    assertEquals(10, counter(key, SESSIONS));

    assertTrue(store().apply(withSeries("d2", tally(key, SESSIONS, 15), id, first, second)));
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
  void apply_takesTheMostWritesItAdvertises() throws Exception {
    int writes = store().maxWritesPerDelivery();
    UsageTally tally = new UsageTally();
    for (int user = 0; user < writes - 1; user++) {
      tally.add(new UsageKey(DAY, UserIdentity.userId("u" + user)), SESSIONS, 1);
    }
    assertTrue(store().apply(delivery("big", tally)));
    assertEquals(writes - 1, readAll(connection, DAY, DAY).size());
  }

  private UsageDelivery delivery(String id, UsageTally tally) {
    return new UsageDelivery(connection, id, tally, new TreeMap<>());
  }

  private UsageDelivery withSeries(
      String id, UsageTally tally, SeriesId series, SeriesState expected, SeriesState next) {
    TreeMap<SeriesId, SeriesChange> changes = new TreeMap<>();
    changes.put(series, new SeriesChange(expected, next));
    return new UsageDelivery(connection, id, tally, changes);
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
