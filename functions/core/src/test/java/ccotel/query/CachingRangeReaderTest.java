package ccotel.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ccotel.aggregate.InMemoryUsageStore;
import ccotel.aggregate.UsageCommit;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.testing.MutableClock;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The summary's day cache over an in-memory store and versions: what it reads again, what it keeps,
 * and that every answer equals the store's.
 */
class CachingRangeReaderTest {

  private static final LocalDate DAY = LocalDate.parse("2026-09-01");
  private static final Counter SESSIONS = Counter.of(CounterFamily.SESSIONS);
  private static final Counter COST = Counter.of(CounterFamily.METRIC_COST_NANO_USD, "claude-x");

  private final InMemoryUsageStore store = new InMemoryUsageStore();
  private final Map<String, Long> versions = new HashMap<>(); // "connection day" -> version
  private final MutableClock clock = new MutableClock(Instant.parse("2026-09-10T12:00:00Z"));
  private final List<LocalDate> daysRead = new ArrayList<>();

  private final UsageRangeReader counting =
      (connectionId, from, to, sink) ->
          UsageRangeReader.paging(store, 2)
              .readRange(
                  connectionId,
                  from,
                  to,
                  (day, rows) -> {
                    daysRead.add(day);
                    sink.day(day, rows);
                  });

  private final DayVersions dayVersions =
      (connectionId, from, to) -> {
        Map<LocalDate, Long> found = new HashMap<>();
        from.datesUntil(to.plusDays(1))
            .forEach(day -> found.put(day, versions.getOrDefault(connectionId + " " + day, 0L)));
        return found;
      };

  private CachingRangeReader cache(int maxRows) {
    return new CachingRangeReader(counting, dayVersions, clock, Duration.ofMinutes(10), maxRows);
  }

  private int writes;

  /** A write as the aggregator makes it: the rows, then the day's version. */
  private void write(String connection, LocalDate day, String user, long sessions)
      throws Exception {
    writeRowsOnly(connection, day, user, sessions);
    versions.merge(connection + " " + day, 1L, Long::sum);
  }

  private void writeRowsOnly(String connection, LocalDate day, String user, long sessions)
      throws Exception {
    UsageTally tally = new UsageTally();
    tally.add(new UsageKey(day, UserIdentity.email(user)), SESSIONS, sessions);
    tally.add(new UsageKey(day, UserIdentity.email(user)), COST, 1000 * sessions);
    store.commit(new UsageCommit(connection, "d" + writes++, tally, new TreeMap<>()));
  }

  /** What the reader hands over, as (day, user, counters) lines. */
  private static List<String> read(UsageRangeReader reader, String connection, LocalDate to)
      throws UsageStoreUnavailableException {
    List<String> handed = new ArrayList<>();
    reader.readRange(
        connection,
        DAY,
        to,
        (day, rows) -> {
          handed.add(day.toString());
          for (StoredUsage row : rows) {
            TreeMap<String, Long> counters = new TreeMap<>();
            for (Entry<Counter, Long> c : row.counters().entrySet()) {
              counters.put(c.getKey().name(), c.getValue());
            }
            handed.add(row.key() + " " + counters + " " + row.unreadable());
          }
        });
    return handed;
  }

  /** {@code reader} hands over what the store holds from DAY to {@code to}, reading no day. */
  private void assertServedFromMemory(UsageRangeReader reader, String connection, LocalDate to)
      throws UsageStoreUnavailableException {
    List<String> fromStore = read(UsageRangeReader.paging(store, 1000), connection, to);
    daysRead.clear();
    assertEquals(fromStore, read(reader, connection, to));
    assertEquals(List.of(), takeDaysRead());
  }

  private List<LocalDate> takeDaysRead() {
    List<LocalDate> taken = List.copyOf(daysRead);
    daysRead.clear();
    return taken;
  }

  @Test
  void keptDays_areServedFromMemory_andEqualTheStores() throws Exception {
    String c = "c1";
    write(c, DAY, "amy@example.com", 1);
    write(c, DAY, "bob@example.com", 2);
    write(c, DAY, "cat@example.com", 3);
    write(c, DAY.plusDays(2), "amy@example.com", 4);
    CachingRangeReader reader = cache(1000);
    List<String> fromStore = read(UsageRangeReader.paging(store, 1000), c, DAY.plusDays(3));
    daysRead.clear();

    assertEquals(fromStore, read(reader, c, DAY.plusDays(3)));
    assertEquals(DAY.datesUntil(DAY.plusDays(4)).toList(), takeDaysRead());
    assertEquals(fromStore, read(reader, c, DAY.plusDays(3)));
    assertEquals(List.of(), takeDaysRead());
    assertEquals(4, reader.rowsKept());
  }

  @Test
  void refresh_readsAgainWhatIsOlderThanItsLimitOrChanged_soReadersFindItWarm() throws Exception {
    String c = "c1";
    write(c, DAY, "amy@example.com", 1);
    write(c, DAY.plusDays(1), "bob@example.com", 2);
    CachingRangeReader reader = cache(1000);
    Duration olderThan = Duration.ofMinutes(8);

    reader.refresh(c, DAY, DAY.plusDays(2), olderThan);
    assertEquals(List.of(DAY, DAY.plusDays(1), DAY.plusDays(2)), takeDaysRead());
    assertEquals(2, reader.rowsKept());
    clock.advance(Duration.ofMinutes(5));
    reader.refresh(c, DAY, DAY.plusDays(2), olderThan);
    assertEquals(List.of(), takeDaysRead());

    clock.advance(Duration.ofMinutes(4)); // 9 minutes: past the refresh's limit, not the reader's
    reader.refresh(c, DAY, DAY.plusDays(2), olderThan);
    assertEquals(List.of(DAY, DAY.plusDays(1), DAY.plusDays(2)), takeDaysRead());
    clock.advance(Duration.ofMinutes(3)); // 12 minutes after the first read, 3 after the refresh
    assertServedFromMemory(reader, c, DAY.plusDays(2));

    write(c, DAY.plusDays(1), "cat@example.com", 3);
    reader.refresh(c, DAY, DAY.plusDays(2), olderThan);
    assertEquals(List.of(DAY.plusDays(1)), takeDaysRead());
    assertServedFromMemory(reader, c, DAY.plusDays(2));
    assertEquals(3, reader.rowsKept());
  }

  @Test
  void aChangedDay_isReadAgain_alone_withItsNewRows() throws Exception {
    String c = "c1";
    write(c, DAY, "amy@example.com", 1);
    write(c, DAY.plusDays(3), "amy@example.com", 1);
    CachingRangeReader reader = cache(1000);
    read(reader, c, DAY.plusDays(4));
    takeDaysRead();

    write(c, DAY.plusDays(1), "bob@example.com", 5);
    write(c, DAY.plusDays(3), "amy@example.com", 2);

    assertEquals(
        read(UsageRangeReader.paging(store, 1000), c, DAY.plusDays(4)),
        read(reader, c, DAY.plusDays(4)));
    assertEquals(List.of(DAY.plusDays(1), DAY.plusDays(3)), takeDaysRead());
  }

  @Test
  void aWriteBetweenTheVersionsAndTheRows_isSeen_andReadAgainNextTime() throws Exception {
    String c = "c1";
    write(c, DAY, "amy@example.com", 1);
    boolean[] raced = {false};
    DayVersions racing =
        (connectionId, from, to) -> {
          Map<LocalDate, Long> read = dayVersions.versions(connectionId, from, to);
          if (!raced[0]) {
            raced[0] = true;
            try {
              write(c, DAY, "amy@example.com", 10); // lands after the versions were read
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
          return read;
        };
    CachingRangeReader reader =
        new CachingRangeReader(counting, racing, clock, Duration.ofMinutes(10), 1000);

    assertEquals(List.of(DAY.toString(), line(DAY, "amy@example.com", 11)), read(reader, c, DAY));
    takeDaysRead();
    assertEquals(List.of(DAY.toString(), line(DAY, "amy@example.com", 11)), read(reader, c, DAY));
    assertEquals(List.of(DAY), takeDaysRead()); // kept with the version from before the write
    read(reader, c, DAY);
    assertEquals(List.of(), takeDaysRead());
  }

  @Test
  void aWriteAfterTheRows_isInTheNextRead() throws Exception {
    String c = "c1";
    write(c, DAY, "amy@example.com", 1);
    CachingRangeReader reader = cache(1000);
    List<String> first = new ArrayList<>();
    reader.readRange(
        c,
        DAY,
        DAY,
        (day, rows) -> {
          first.add(day + " " + rows.size());
          try {
            write(c, DAY, "bob@example.com", 2); // the day's rows are read: too late for them
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    assertEquals(List.of(DAY + " 1"), first);
    assertEquals(
        List.of(DAY.toString(), line(DAY, "amy@example.com", 1), line(DAY, "bob@example.com", 2)),
        read(reader, c, DAY));
  }

  @Test
  void aWriteWhoseVersionWasLost_isReadAfterTheMaximumAge() throws Exception {
    String c = "c1";
    write(c, DAY, "amy@example.com", 1);
    CachingRangeReader reader = cache(1000);
    read(reader, c, DAY);
    writeRowsOnly(c, DAY, "amy@example.com", 2); // its version change failed for good

    clock.advance(Duration.ofMinutes(9));
    assertEquals(List.of(DAY.toString(), line(DAY, "amy@example.com", 1)), read(reader, c, DAY));
    clock.advance(Duration.ofMinutes(1));
    assertEquals(List.of(DAY.toString(), line(DAY, "amy@example.com", 3)), read(reader, c, DAY));
  }

  @Test
  void pastMaxRows_theLeastRecentlyUsedDaysGo() throws Exception {
    String c = "c1";
    for (int day = 0; day < 3; day++) {
      write(c, DAY.plusDays(day), "amy@example.com", 1);
      write(c, DAY.plusDays(day), "bob@example.com", 1);
    }
    CachingRangeReader reader = cache(4);
    read(reader, c, DAY); // day 0
    reader.readRange(c, DAY.plusDays(1), DAY.plusDays(1), (day, rows) -> {});
    read(reader, c, DAY); // day 0 used again: day 1 is now the least recent
    reader.readRange(c, DAY.plusDays(2), DAY.plusDays(2), (day, rows) -> {});
    takeDaysRead();

    assertEquals(4, reader.rowsKept());
    read(reader, c, DAY.plusDays(2));
    assertEquals(List.of(DAY.plusDays(1)), takeDaysRead());
  }

  @Test
  void oneConnectionsDays_areNeverAnothers() throws Exception {
    write("c1", DAY, "amy@example.com", 1);
    write("c2", DAY, "eve@example.com", 7);
    CachingRangeReader reader = cache(1000);
    read(reader, "c1", DAY);

    assertEquals(List.of(DAY.toString(), line(DAY, "eve@example.com", 7)), read(reader, "c2", DAY));
    assertEquals(List.of(DAY.toString(), line(DAY, "amy@example.com", 1)), read(reader, "c1", DAY));
  }

  @Test
  void aFailedRead_keepsNothingOfTheFailedDay_andTheNextReadsIt() throws Exception {
    String c = "c1";
    write(c, DAY, "amy@example.com", 1);
    write(c, DAY.plusDays(1), "amy@example.com", 2);
    boolean[] fail = {true};
    UsageRangeReader failingOnDay1 =
        (connectionId, from, to, sink) ->
            counting.readRange(
                connectionId,
                from,
                to,
                (day, rows) -> {
                  if (fail[0] && day.equals(DAY.plusDays(1))) {
                    throw new IllegalStateException("store down (test)");
                  }
                  sink.day(day, rows);
                });
    CachingRangeReader reader =
        new CachingRangeReader(failingOnDay1, dayVersions, clock, Duration.ofMinutes(10), 1000);

    assertThrows(IllegalStateException.class, () -> read(reader, c, DAY.plusDays(1)));
    fail[0] = false;
    takeDaysRead();

    assertEquals(
        List.of(
            DAY.toString(),
            line(DAY, "amy@example.com", 1),
            DAY.plusDays(1).toString(),
            line(DAY.plusDays(1), "amy@example.com", 2)),
        read(reader, c, DAY.plusDays(1)));
    assertEquals(List.of(DAY.plusDays(1)), takeDaysRead());
  }

  private static String line(LocalDate day, String user, long sessions) {
    TreeMap<String, Long> counters = new TreeMap<>();
    counters.put(SESSIONS.name(), sessions);
    counters.put(COST.name(), 1000 * sessions);
    return new UsageKey(day, UserIdentity.email(user)) + " " + counters + " " + Set.of();
  }
}
