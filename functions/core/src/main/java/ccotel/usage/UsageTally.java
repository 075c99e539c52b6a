package ccotel.usage;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counter increments grouped by user-day, in a stable order. Zero amounts are not kept: a user-day
 * appears only once something was counted for it.
 */
public final class UsageTally {

  // Hashed while mapping adds (point after point); sorted once, when someone reads.
  private final Map<UsageKey, Map<Counter, Long>> increments = new HashMap<>();
  private SortedMap<UsageKey, SortedMap<Counter, Long>> sorted;

  public void add(UsageKey key, Counter counter, long amount) {
    if (amount == 0) {
      return;
    }
    increments.computeIfAbsent(key, k -> new HashMap<>()).merge(counter, amount, Math::addExact);
    sorted = null;
  }

  public void addAll(UsageTally other) {
    other.increments.forEach(
        (key, counters) -> counters.forEach((counter, amount) -> add(key, counter, amount)));
  }

  public void addAll(UsageKey key, Map<Counter, Long> counters) {
    counters.forEach((counter, amount) -> add(key, counter, amount));
  }

  public boolean isEmpty() {
    return increments.isEmpty();
  }

  /** A read-only view, ordered by day, then user, then counter name. */
  public SortedMap<UsageKey, SortedMap<Counter, Long>> byKey() {
    if (sorted == null) {
      SortedMap<UsageKey, SortedMap<Counter, Long>> view = new TreeMap<>();
      increments.forEach(
          (key, counters) ->
              view.put(key, Collections.unmodifiableSortedMap(new TreeMap<>(counters))));
      sorted = Collections.unmodifiableSortedMap(view);
    }
    return sorted;
  }

  public long get(UsageKey key, Counter counter) {
    Map<Counter, Long> counters = increments.get(key);
    return counters == null ? 0 : counters.getOrDefault(counter, 0L);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof UsageTally tally && tally.increments.equals(increments);
  }

  @Override
  public int hashCode() {
    return increments.hashCode();
  }

  @Override
  public String toString() {
    return byKey().toString();
  }
}
