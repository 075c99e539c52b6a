package ccotel.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.aggregate.UsageCommit;
import ccotel.aggregate.UsageStore;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link UsageRangeReader} does, written through the store's own commit path: each day
 * of the range once, in date order, on the calling thread, with exactly its user-days in user
 * order. Implementations read with pages small enough that one day spans several.
 */
public abstract class UsageRangeReaderContract {

  protected static final LocalDate DAY = LocalDate.parse("2026-09-01");
  private static final Counter SESSIONS = Counter.of(CounterFamily.SESSIONS);
  private static final Counter OPUS_COST =
      Counter.of(CounterFamily.METRIC_COST_NANO_USD, "claude-opus-4-1");

  protected abstract UsageStore store();

  protected abstract UsageRangeReader rangeReader();

  /** Each test works in a connection of its own, so one store can serve a whole class. */
  private final String connection = "conn_" + UUID.randomUUID();

  private int commits;

  /** What the sink was handed: a day, and its rows' keys and counters. */
  private record Handed(LocalDate day, List<UsageKey> keys, List<Map<Counter, Long>> counters) {}

  @Test
  void everyDayOnce_inOrder_withExactlyItsUserDays_andEmptyDaysEmpty() throws Exception {
    // Day 0: 5 users (several pages), day 1: none, day 2: one, day 3: 3; days -1 and 4 are empty.
    write(connection, DAY, 5);
    write(connection, DAY.plusDays(2), 1);
    write(connection, DAY.plusDays(3), 3);

    List<Handed> handed = read(connection, DAY.minusDays(1), DAY.plusDays(4));

    assertEquals(
        List.of(
            expected(DAY.minusDays(1), 0),
            expected(DAY, 5),
            expected(DAY.plusDays(1), 0),
            expected(DAY.plusDays(2), 1),
            expected(DAY.plusDays(3), 3),
            expected(DAY.plusDays(4), 0)),
        handed);
  }

  @Test
  void aLongRange_handsEveryDay_inOrder() throws Exception {
    // Longer than any reader's read-ahead: 60 days, each with its own number of users.
    for (int day = 0; day < 60; day++) {
      write(connection, DAY.plusDays(day), 1 + day % 4);
    }

    List<Handed> handed = read(connection, DAY, DAY.plusDays(59));

    List<Handed> expected = new ArrayList<>();
    for (int day = 0; day < 60; day++) {
      expected.add(expected(DAY.plusDays(day), 1 + day % 4));
    }
    assertEquals(expected, handed);
  }

  @Test
  void daysOutsideTheRange_andOtherConnections_areLeftOut() throws Exception {
    String other = "conn_" + UUID.randomUUID();
    write(connection, DAY.minusDays(1), 2);
    write(connection, DAY, 3);
    write(other, DAY, 4);
    write(connection, DAY.plusDays(1), 2);

    assertEquals(List.of(expected(DAY, 3)), read(connection, DAY, DAY));
  }

  @Test
  void theSink_runsOnTheCallingThread() throws Exception {
    for (int day = 0; day < 10; day++) {
      write(connection, DAY.plusDays(day), 2);
    }
    List<Thread> threads = new ArrayList<>();

    rangeReader()
        .readRange(
            connection, DAY, DAY.plusDays(9), (day, rows) -> threads.add(Thread.currentThread()));

    assertEquals(List.of(Thread.currentThread()), threads.stream().distinct().toList());
    assertEquals(10, threads.size());
  }

  private List<Handed> read(String connectionId, LocalDate from, LocalDate to) throws Exception {
    List<Handed> handed = new ArrayList<>();
    rangeReader()
        .readRange(
            connectionId,
            from,
            to,
            (day, rows) ->
                handed.add(
                    new Handed(
                        day,
                        rows.stream().map(StoredUsage::key).toList(),
                        rows.stream().map(row -> Map.copyOf(row.counters())).toList())));
    return handed;
  }

  /** {@code users} users on {@code day}, each with amounts that say whose they are. */
  private void write(String connectionId, LocalDate day, int users) throws Exception {
    UsageTally tally = new UsageTally();
    for (int user = 0; user < users; user++) {
      tally.addAll(key(day, user), counters(day, user));
    }
    UsageCommit commit = new UsageCommit(connectionId, "d" + ++commits, tally, new TreeMap<>());
    assertEquals(true, store().commit(commit));
  }

  private static Handed expected(LocalDate day, int users) {
    List<UsageKey> keys = new ArrayList<>();
    List<Map<Counter, Long>> counters = new ArrayList<>();
    for (int user = 0; user < users; user++) {
      keys.add(key(day, user));
      counters.add(counters(day, user));
    }
    return new Handed(day, keys, counters);
  }

  private static UsageKey key(LocalDate day, int user) {
    return new UsageKey(day, UserIdentity.email("user-" + user + "@example.com"));
  }

  private static Map<Counter, Long> counters(LocalDate day, int user) {
    return Map.of(
        SESSIONS, 1L + user, OPUS_COST, 1_000_000L * day.getDayOfMonth() + 1_000L * user + 7);
  }
}
