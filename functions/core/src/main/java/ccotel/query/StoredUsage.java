package ccotel.query;

import ccotel.usage.Counter;
import ccotel.usage.UsageKey;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The counters stored for one user-day.
 *
 * @param unreadable names of counters whose stored number is not a count (not a whole number from 0
 *     to 2^63 - 1, e.g. a sum that passed a long before the store had a ceiling): they are left out
 *     of {@code counters} and named in the answer, so one bad value never fails a page
 */
public record StoredUsage(
    UsageKey key, SortedMap<Counter, Long> counters, SortedSet<String> unreadable) {

  public StoredUsage {
    counters = new TreeMap<>(counters);
    unreadable = new TreeSet<>(unreadable);
  }

  public StoredUsage(UsageKey key, SortedMap<Counter, Long> counters) {
    this(key, counters, new TreeSet<>());
  }

  public static StoredUsage of(UsageKey key, Map<Counter, Long> counters) {
    return new StoredUsage(key, new TreeMap<>(counters));
  }

  /** A user-day from its counters' numbers as stored (text, as DynamoDB returns them). */
  public static StoredUsage parse(UsageKey key, Map<Counter, String> stored) {
    SortedMap<Counter, Long> counters = new TreeMap<>();
    SortedSet<String> unreadable = new TreeSet<>();
    stored.forEach(
        (counter, text) -> {
          long value = count(text);
          if (value < 0) {
            unreadable.add(counter.name());
          } else {
            counters.put(counter, value);
          }
        });
    return new StoredUsage(key, counters, unreadable);
  }

  /** The stored number as a count, or -1 if it is none. */
  private static long count(String text) {
    try {
      long value = Long.parseLong(text);
      return value < 0 ? -1 : value;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public long get(Counter counter) {
    return counters.getOrDefault(counter, 0L);
  }
}
