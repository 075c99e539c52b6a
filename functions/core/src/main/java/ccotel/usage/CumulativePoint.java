package ccotel.usage;

/**
 * One data point of a cumulative Sum, still a running total: turning it into an increment needs the
 * series' state (see {@code ccotel.aggregate.CumulativeToDelta}).
 *
 * @param value the running total, in the counter's integer unit
 */
public record CumulativePoint(
    SeriesId series, UsageKey key, Counter counter, long timeUnixNano, long value) {}
