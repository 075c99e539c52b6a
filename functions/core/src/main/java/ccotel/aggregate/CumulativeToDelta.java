package ccotel.aggregate;

import ccotel.usage.Counter;
import ccotel.usage.CumulativePoint;
import ccotel.usage.SeriesId;
import ccotel.usage.UsageTally;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The OTel Collector's {@code cumulativetodelta} rule, made safe against reordering and duplicates
 * (CONTRACT §4): the first point of a series counts its whole value; a point not later than the
 * last counted one is stale and counts nothing; a later point counts its increase; a lower value at
 * a later time is a reset and counts its whole value.
 */
final class CumulativeToDelta {

  private static final Comparator<CumulativePoint> BY_TIME =
      Comparator.comparingLong(CumulativePoint::timeUnixNano);

  private CumulativeToDelta() {}

  /** The increments and series changes these points make, given the series' stored states. */
  static Result apply(List<CumulativePoint> points, Map<SeriesId, SeriesState> stored) {
    SortedMap<SeriesId, List<CumulativePoint>> bySeries = new TreeMap<>();
    for (CumulativePoint point : points) {
      bySeries.computeIfAbsent(point.series(), s -> new ArrayList<>()).add(point);
    }
    UsageTally increments = new UsageTally();
    SortedMap<SeriesId, SeriesChange> changes = new TreeMap<>();
    bySeries.forEach(
        (series, seriesPoints) -> {
          seriesPoints.sort(BY_TIME);
          SeriesState before = stored.get(series);
          SeriesState state = before;
          for (CumulativePoint point : seriesPoints) {
            long increase;
            if (state == null) {
              increase = point.value();
            } else if (point.timeUnixNano() <= state.lastTimeUnixNano()) {
              continue; // stale: already counted, or older than what was
            } else if (point.value() >= state.lastValue()) {
              increase = point.value() - state.lastValue();
            } else {
              increase = point.value(); // reset
            }
            for (Counter counter : point.counters()) {
              increments.add(point.key(), counter, increase);
            }
            state = new SeriesState(point.timeUnixNano(), point.value());
          }
          if (state != null && !state.equals(before)) {
            changes.put(series, new SeriesChange(before, state));
          }
        });
    return new Result(increments, changes);
  }

  record Result(UsageTally increments, SortedMap<SeriesId, SeriesChange> changes) {}
}
