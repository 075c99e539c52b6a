package ccotel.aggregate;

import ccotel.usage.SeriesId;
import ccotel.usage.UsageTally;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One all-or-nothing write: the increments and series changes that one (part of a) queued request
 * produced, identified by {@code deliveryId} so that applying it twice counts once.
 */
public record UsageDelivery(
    String connectionId,
    String deliveryId,
    UsageTally increments,
    SortedMap<SeriesId, SeriesChange> seriesChanges) {

  public UsageDelivery {
    seriesChanges = new TreeMap<>(seriesChanges);
  }

  /** Items written: the delivery marker, one per user-day, one per series. */
  public int writes() {
    return 1 + increments.byKey().size() + seriesChanges.size();
  }

  public boolean isEmpty() {
    return increments.isEmpty() && seriesChanges.isEmpty();
  }
}
