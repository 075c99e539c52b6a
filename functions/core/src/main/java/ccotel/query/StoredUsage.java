package ccotel.query;

import ccotel.usage.Counter;
import ccotel.usage.UsageKey;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The counters stored for one user-day. */
public record StoredUsage(UsageKey key, SortedMap<Counter, Long> counters) {

  public StoredUsage {
    counters = new TreeMap<>(counters);
  }

  public static StoredUsage of(UsageKey key, Map<Counter, Long> counters) {
    return new StoredUsage(key, new TreeMap<>(counters));
  }

  public long get(Counter counter) {
    return counters.getOrDefault(counter, 0L);
  }
}
