package ccotel.aggregate;

import ccotel.usage.Counter;
import ccotel.usage.CumulativePoint;
import ccotel.usage.SeriesId;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageObservations;
import ccotel.usage.UsageTally;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Splits one request's observations into parts that each fit one store transaction. Almost every
 * Claude Code request is one part; a request with more user-days and series than a transaction
 * takes (a collector batching many users) becomes several. The split depends only on the request,
 * so a redelivery splits the same way and each part stays exactly-once on its own.
 */
final class DeliveryPlanner {

  private DeliveryPlanner() {}

  /** One part: some user-days' increments and some whole series. */
  record Part(UsageTally deltas, List<CumulativePoint> cumulativePoints) {}

  static List<Part> split(UsageObservations observations, int maxWrites) {
    if (maxWrites < 3) {
      throw new IllegalArgumentException(
          "a part needs room for a commit record, a user-day and a series");
    }
    List<Part> parts = new ArrayList<>();
    PartBuilder current = new PartBuilder();
    for (Map.Entry<UsageKey, SortedMap<Counter, Long>> entry :
        observations.deltas().byKey().entrySet()) {
      if (!current.fits(Set.of(entry.getKey()), 0, maxWrites)) {
        parts.add(current.build());
        current = new PartBuilder();
      }
      current.addDeltas(entry.getKey(), entry.getValue());
    }
    SortedMap<SeriesId, List<CumulativePoint>> bySeries = new TreeMap<>();
    for (CumulativePoint point : observations.cumulativePoints()) {
      bySeries.computeIfAbsent(point.series(), s -> new ArrayList<>()).add(point);
    }
    for (List<CumulativePoint> series : bySeries.values()) {
      Set<UsageKey> keys = new HashSet<>();
      series.forEach(point -> keys.add(point.key()));
      if (!current.fits(keys, 1, maxWrites)) {
        parts.add(current.build());
        current = new PartBuilder();
      }
      current.addSeries(keys, series);
    }
    if (!current.isEmpty()) {
      parts.add(current.build());
    }
    return parts;
  }

  private static final class PartBuilder {
    private final UsageTally deltas = new UsageTally();
    private final List<CumulativePoint> points = new ArrayList<>();
    private final Set<UsageKey> keys = new HashSet<>();
    private int series;

    boolean fits(Set<UsageKey> moreKeys, int moreSeries, int maxWrites) {
      if (isEmpty()) {
        return true; // one unit always fits an empty part
      }
      int newKeys = 0;
      for (UsageKey key : moreKeys) {
        if (!keys.contains(key)) {
          newKeys++;
        }
      }
      return 1 + keys.size() + newKeys + series + moreSeries <= maxWrites;
    }

    void addDeltas(UsageKey key, Map<Counter, Long> counters) {
      keys.add(key);
      deltas.addAll(key, counters);
    }

    void addSeries(Set<UsageKey> seriesKeys, List<CumulativePoint> seriesPoints) {
      keys.addAll(seriesKeys);
      points.addAll(seriesPoints);
      series++;
    }

    boolean isEmpty() {
      return keys.isEmpty();
    }

    Part build() {
      return new Part(deltas, points);
    }
  }
}
