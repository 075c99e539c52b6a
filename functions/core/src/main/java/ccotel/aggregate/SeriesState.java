package ccotel.aggregate;

/**
 * What we last counted of a cumulative series: the time and running total of its newest counted
 * point. {@code lastTimeUnixNano} only grows, so it doubles as the version that guards concurrent
 * updates.
 */
public record SeriesState(long lastTimeUnixNano, long lastValue) {}
