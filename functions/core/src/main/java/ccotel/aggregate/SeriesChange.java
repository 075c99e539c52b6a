package ccotel.aggregate;

/**
 * A series state update, valid only if the stored state is still {@code expected} (null: the series
 * must not exist yet). Applying it is an optimistic compare-and-set.
 */
public record SeriesChange(SeriesState expected, SeriesState next) {}
