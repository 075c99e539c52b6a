package ccotel.aggregate;

import ccotel.usage.SeriesId;
import ccotel.usage.UsageTally;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One all-or-nothing write of increments and series changes, made exactly-once in one of two ways:
 *
 * <ul>
 *   <li>with a {@code commitId}: the delivery ids it counts were {@linkplain UsageStore#claim
 *       claimed} for that id beforehand, and the write adds a commit record under it, which fails
 *       if the commit was abandoned (cheap for many exports: one claim each, one record);
 *   <li>with {@code markers}: the write adds one marker per delivery id, which fails if any of them
 *       was claimed or counted before (cheap for one or two exports: no claim, no record).
 * </ul>
 *
 * Exactly one of the two is given.
 */
public record UsageCommit(
    String connectionId,
    String commitId,
    List<String> markers,
    UsageTally increments,
    SortedMap<SeriesId, SeriesChange> seriesChanges) {

  public UsageCommit {
    markers = List.copyOf(markers);
    if ((commitId == null) == markers.isEmpty()) {
      throw new IllegalArgumentException("a commit has a commit id or markers, not both");
    }
    if (new HashSet<>(markers).size() != markers.size()) {
      throw new IllegalArgumentException("markers must be distinct: " + markers);
    }
    seriesChanges = new TreeMap<>(seriesChanges);
  }

  /** A commit of claimed delivery ids. */
  public static UsageCommit claimed(
      String connectionId,
      String commitId,
      UsageTally increments,
      SortedMap<SeriesId, SeriesChange> seriesChanges) {
    return new UsageCommit(
        connectionId, Objects.requireNonNull(commitId), List.of(), increments, seriesChanges);
  }

  /** A commit that marks its delivery ids itself. */
  public static UsageCommit marked(
      String connectionId,
      List<String> deliveryIds,
      UsageTally increments,
      SortedMap<SeriesId, SeriesChange> seriesChanges) {
    return new UsageCommit(connectionId, null, deliveryIds, increments, seriesChanges);
  }

  /** Items written: the commit record or the markers, one per user-day, one per series. */
  public int writes() {
    return (commitId == null ? markers.size() : 1)
        + increments.byKey().size()
        + seriesChanges.size();
  }

  public boolean isEmpty() {
    return increments.isEmpty() && seriesChanges.isEmpty();
  }
}
