package ccotel.aggregate;

import ccotel.usage.SeriesId;
import ccotel.usage.UsageTally;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One all-or-nothing write: the marker of {@code deliveryId}, its increments, and the series
 * changes its cumulative points made.
 */
public record UsageCommit(
    String connectionId,
    String deliveryId,
    UsageTally increments,
    SortedMap<SeriesId, SeriesChange> seriesChanges) {

  public UsageCommit {
    seriesChanges = new TreeMap<>(seriesChanges);
  }

  /** Items written: the marker, one per user-day, one per series. */
  public int writes() {
    return 1 + increments.byKey().size() + seriesChanges.size();
  }

  public boolean isEmpty() {
    return increments.isEmpty() && seriesChanges.isEmpty();
  }
}
