package ccotel.usage;

import java.util.ArrayList;
import java.util.List;

/**
 * One data point of a cumulative Sum, still a running total: turning it into an increment needs the
 * series' state (see {@code ccotel.aggregate.CumulativeToDelta}).
 *
 * @param value the running total, in the counter's integer unit
 * @param alsoCounters counters the same increase adds to as well (the share of the point's terminal
 *     type): one series state serves them all, so they stay equal to their part of {@code counter}
 */
public record CumulativePoint(
    SeriesId series,
    UsageKey key,
    Counter counter,
    List<Counter> alsoCounters,
    long timeUnixNano,
    long value) {

  public CumulativePoint {
    alsoCounters = List.copyOf(alsoCounters);
  }

  public CumulativePoint(
      SeriesId series, UsageKey key, Counter counter, long timeUnixNano, long value) {
    this(series, key, counter, List.of(), timeUnixNano, value);
  }

  /** Every counter the point's increase adds to. */
  public List<Counter> counters() {
    if (alsoCounters.isEmpty()) {
      return List.of(counter);
    }
    List<Counter> all = new ArrayList<>(alsoCounters.size() + 1);
    all.add(counter);
    all.addAll(alsoCounters);
    return all;
  }
}
