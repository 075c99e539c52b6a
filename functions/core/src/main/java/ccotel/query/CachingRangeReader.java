package ccotel.query;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.usage.Counter;
import ccotel.usage.UsageKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A range reader that keeps each (connection, day) it read in memory with the day's {@linkplain
 * DayVersions version} read before its rows, and on the next range reads again only the days whose
 * version moved, that it does not hold, or that it read longer than {@code maxAge} ago. Days to
 * read again that follow each other are read as one range of {@code store}, so a cold cache reads
 * like the store alone (in AWS: a Query per day, in parallel).
 *
 * <p>Exact: a version is read before the rows it is kept with, and the aggregator moves it only
 * after its writes, so a write the kept rows miss moves the version after it was read, and the next
 * range reads the day again. The age limit covers what the versions cannot: a batch whose writes
 * succeeded but whose version change failed for good (its message ended in the dead-letter queue).
 *
 * <p>Memory: at most {@code maxRows} user-days, the least recently used days evicted first. Rows
 * are kept as arrays with shared counter names (under 1 KB per user-day of ~60 counters) and made
 * into {@link StoredUsage} again when handed out.
 */
public final class CachingRangeReader implements UsageRangeReader {

  /** How long a day read is trusted without a version change: see the class comment. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

  /** User-days kept at most: about 90 MB at ~60 counters each. */
  public static final int DEFAULT_MAX_ROWS = 100_000;

  private final UsageRangeReader store;
  private final DayVersions versions;
  private final Clock clock;
  private final Duration maxAge;
  private final int maxRows;

  /** Access-ordered, so the first entry is the least recently used. Guarded by itself. */
  private final LinkedHashMap<DayKey, KeptDay> days = new LinkedHashMap<>(64, 0.75f, true);

  private long rowsKept; // guarded by days

  /** One instance of each counter name, shared by every row kept. */
  private final Map<Counter, Counter> counterNames = new ConcurrentHashMap<>();

  public CachingRangeReader(
      UsageRangeReader store, DayVersions versions, Clock clock, Duration maxAge, int maxRows) {
    if (maxAge.isNegative() || maxRows < 0) {
      throw new IllegalArgumentException("maxAge and maxRows must not be negative");
    }
    this.store = store;
    this.versions = versions;
    this.clock = clock;
    this.maxAge = maxAge;
    this.maxRows = maxRows;
  }

  private record DayKey(String connectionId, LocalDate day) {}

  /** A day's rows as read, with the version read before them and when that was. */
  private record KeptDay(long version, Instant readAt, List<KeptRow> rows) {}

  /** A user-day in arrays: counters in their order, with their values. */
  private record KeptRow(UsageKey key, Counter[] counters, long[] values, List<String> unreadable) {

    /** StoredUsage copies a sorted map in one linear pass: hand it a view of the arrays. */
    StoredUsage toStoredUsage() {
      return new StoredUsage(key, new SortedArrays(counters, values), new TreeSet<>(unreadable));
    }
  }

  /**
   * A read-only sorted map over counters already in order and their values: just what {@code new
   * TreeMap<>(sortedMap)} reads (its size, comparator and entries in order), so a warm summary
   * rebuilds each row without comparing keys.
   */
  private static final class SortedArrays extends AbstractMap<Counter, Long>
      implements SortedMap<Counter, Long> {

    private final Counter[] counters;
    private final long[] values;

    SortedArrays(Counter[] counters, long[] values) {
      this.counters = counters;
      this.values = values;
    }

    @Override
    public Set<Map.Entry<Counter, Long>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<Counter, Long>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < counters.length;
            }

            @Override
            public Map.Entry<Counter, Long> next() {
              if (next >= counters.length) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new AbstractMap.SimpleImmutableEntry<>(counters[i], values[i]);
            }
          };
        }

        @Override
        public int size() {
          return counters.length;
        }
      };
    }

    @Override
    public Comparator<? super Counter> comparator() {
      return null; // natural order, as StoredUsage's own maps
    }

    @Override
    public Counter firstKey() {
      if (counters.length == 0) {
        throw new NoSuchElementException();
      }
      return counters[0];
    }

    @Override
    public Counter lastKey() {
      if (counters.length == 0) {
        throw new NoSuchElementException();
      }
      return counters[counters.length - 1];
    }

    @Override
    public SortedMap<Counter, Long> subMap(Counter from, Counter to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<Counter, Long> headMap(Counter to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<Counter, Long> tailMap(Counter from) {
      throw new UnsupportedOperationException();
    }
  }

  @Override
  public void readRange(String connectionId, LocalDate from, LocalDate to, DaySink sink)
      throws UsageStoreUnavailableException {
    read(connectionId, from, to, maxAge, sink);
  }

  /**
   * Reads again, and keeps, every day of the range whose version moved, that is not kept, or that
   * was read {@code olderThan} ago or earlier; hands nothing out. A process that runs this more
   * often than {@code maxAge} minus {@code olderThan} keeps the range warm for every reader.
   */
  public void refresh(String connectionId, LocalDate from, LocalDate to, Duration olderThan)
      throws UsageStoreUnavailableException {
    read(connectionId, from, to, olderThan, null);
  }

  /**
   * The range through the cache, days older than {@code age} read again; to {@code sink} if any.
   */
  private void read(String connectionId, LocalDate from, LocalDate to, Duration age, DaySink sink)
      throws UsageStoreUnavailableException {
    // Taken before the versions: the age of what this read keeps counts from here.
    Instant readAt = clock.instant();
    Map<LocalDate, Long> current = versions.versions(connectionId, from, to);
    Map<LocalDate, KeptDay> valid = new HashMap<>();
    synchronized (days) {
      for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
        KeptDay kept = days.get(new DayKey(connectionId, day));
        if (kept != null
            && kept.version() == current.getOrDefault(day, 0L)
            && kept.readAt().plus(age).isAfter(readAt)) {
          valid.put(day, kept);
        }
      }
    }
    LocalDate day = from;
    while (!day.isAfter(to)) {
      KeptDay kept = valid.get(day);
      if (kept != null) {
        if (sink != null) {
          sink.day(day, rows(kept));
        }
        day = day.plusDays(1);
        continue;
      }
      LocalDate last = day; // the run of days to read again that starts here
      while (last.isBefore(to) && !valid.containsKey(last.plusDays(1))) {
        last = last.plusDays(1);
      }
      store.readRange(
          connectionId,
          day,
          last,
          (read, rows) -> {
            keep(connectionId, read, current.getOrDefault(read, 0L), readAt, rows);
            if (sink != null) {
              sink.day(read, rows);
            }
          });
      day = last.plusDays(1);
    }
  }

  /** User-days kept now (for tests and the benchmark). */
  public long rowsKept() {
    synchronized (days) {
      return rowsKept;
    }
  }

  private static List<StoredUsage> rows(KeptDay kept) {
    List<StoredUsage> rows = new ArrayList<>(kept.rows().size());
    kept.rows().forEach(row -> rows.add(row.toStoredUsage()));
    return rows;
  }

  private void keep(
      String connectionId, LocalDate day, long version, Instant readAt, List<StoredUsage> rows) {
    if (rows.size() > maxRows) {
      return; // a day larger than the whole cache is read every time
    }
    List<KeptRow> kept = new ArrayList<>(rows.size());
    for (StoredUsage row : rows) {
      Counter[] counters = new Counter[row.counters().size()];
      long[] values = new long[counters.length];
      int i = 0;
      for (Map.Entry<Counter, Long> counter : row.counters().entrySet()) {
        counters[i] = counterNames.computeIfAbsent(counter.getKey(), c -> c);
        values[i++] = counter.getValue();
      }
      kept.add(new KeptRow(row.key(), counters, values, List.copyOf(row.unreadable())));
    }
    synchronized (days) {
      KeptDay replaced =
          days.put(
              new DayKey(connectionId, day),
              new KeptDay(version, readAt, Collections.unmodifiableList(kept)));
      rowsKept += kept.size() - (replaced == null ? 0 : replaced.rows().size());
      Iterator<KeptDay> eldest = days.values().iterator();
      while (rowsKept > maxRows && eldest.hasNext()) {
        rowsKept -= eldest.next().rows().size();
        eldest.remove();
      }
    }
  }
}
