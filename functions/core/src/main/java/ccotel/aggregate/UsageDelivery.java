package ccotel.aggregate;

import ccotel.usage.SeriesId;
import ccotel.usage.UsageTally;
import java.util.HashSet;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One all-or-nothing write: the increments and series changes that one (part of a) queued request
 * produced — or several requests of one SQS batch, merged — identified by their delivery ids so
 * that applying any of them twice counts once.
 */
public record UsageDelivery(
    String connectionId,
    List<String> deliveryIds,
    UsageTally increments,
    SortedMap<SeriesId, SeriesChange> seriesChanges) {

  public UsageDelivery {
    deliveryIds = List.copyOf(deliveryIds);
    if (deliveryIds.isEmpty() || new HashSet<>(deliveryIds).size() != deliveryIds.size()) {
      throw new IllegalArgumentException("a delivery needs distinct ids: " + deliveryIds);
    }
    seriesChanges = new TreeMap<>(seriesChanges);
  }

  public UsageDelivery(
      String connectionId,
      String deliveryId,
      UsageTally increments,
      SortedMap<SeriesId, SeriesChange> seriesChanges) {
    this(connectionId, List.of(deliveryId), increments, seriesChanges);
  }

  /** Items written: a marker per delivery id, one item per user-day, one per series. */
  public int writes() {
    return deliveryIds.size() + increments.byKey().size() + seriesChanges.size();
  }

  public boolean isEmpty() {
    return increments.isEmpty() && seriesChanges.isEmpty();
  }
}
