package ccotel.usage;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counter increments grouped by user-day, in a stable order. Zero amounts are not kept: a user-day
 * appears only once something was counted for it.
 */
public final class UsageTally {

  private final SortedMap<UsageKey, SortedMap<Counter, Long>> increments = new TreeMap<>();

  public void add(UsageKey key, Counter counter, long amount) {
    if (amount == 0) {
      return;
    }
    increments.computeIfAbsent(key, k -> new TreeMap<>()).merge(counter, amount, Math::addExact);
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
    return Collections.unmodifiableSortedMap(increments);
  }

  public long get(UsageKey key, Counter counter) {
    SortedMap<Counter, Long> counters = increments.get(key);
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
    return increments.toString();
  }
}
