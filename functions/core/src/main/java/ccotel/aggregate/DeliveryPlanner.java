package ccotel.aggregate;

import ccotel.usage.Counter;
import ccotel.usage.CumulativePoint;
import ccotel.usage.SeriesId;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageObservations;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Splits one request's observations into parts that each fit one store transaction. Almost every
 * Claude Code request is one part; a request with more user-days and series than a transaction
 * takes (a collector batching many users) becomes several. The split is made before identity
 * linking, so it depends only on the request's bytes: a redelivery splits the same way, whatever
 * links were learnt in between, and each part stays exactly-once on its own.
 *
 * <p>Linking may merge a part's user-days of one date (account ids into the e-mail they were seen
 * with), so a part also keeps the counters all its user-days of a date name together within {@link
 * UsageStore#MAX_COUNTERS_PER_UPDATE}.
 */
final class DeliveryPlanner {

  private DeliveryPlanner() {}

  /** One part: some user-days' increments and some whole series. */
  record Part(UsageTally deltas, List<CumulativePoint> cumulativePoints) {

    /** Whether it adds to one user-day and has no series: then plain writes count it. */
    boolean onOneDay() {
      return cumulativePoints.isEmpty() && deltas.byKey().size() == 1;
    }

    /** The same part with some users replaced (identity links). */
    Part withUsers(Map<UserIdentity, UserIdentity> replacements) {
      if (replacements.isEmpty()) {
        return this;
      }
      UsageObservations linked =
          new UsageObservations(deltas, cumulativePoints, 0, null, Map.of())
              .withUsers(replacements);
      return new Part(linked.deltas(), linked.cumulativePoints());
    }
  }

  static List<Part> split(UsageObservations observations, int maxWrites) {
    if (maxWrites < 3) {
      throw new IllegalArgumentException("a part needs room for a marker, a user-day and a series");
    }
    List<Part> parts = new ArrayList<>();
    PartBuilder current = new PartBuilder();
    for (Map.Entry<UsageKey, SortedMap<Counter, Long>> entry :
        observations.deltas().byKey().entrySet()) {
      if (!current.fits(Map.of(entry.getKey(), entry.getValue().keySet()), 0, maxWrites)) {
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
      Map<UsageKey, Set<Counter>> keys = new HashMap<>();
      series.forEach(
          point ->
              keys.computeIfAbsent(point.key(), k -> new HashSet<>()).addAll(point.counters()));
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
    private final Map<UsageKey, Set<Counter>> keys = new HashMap<>();
    private int series;

    boolean fits(Map<UsageKey, ? extends Set<Counter>> more, int moreSeries, int maxWrites) {
      if (isEmpty()) {
        return true; // one unit always fits an empty part
      }
      Map<UsageKey, Set<Counter>> union = new HashMap<>();
      keys.forEach((key, names) -> union.put(key, new HashSet<>(names)));
      more.forEach((key, names) -> union.computeIfAbsent(key, k -> new HashSet<>()).addAll(names));
      return 1 + union.size() + series + moreSeries <= maxWrites
          && mostMerged(union) <= UsageStore.MAX_COUNTERS_PER_UPDATE;
    }

    /**
     * The most counters one user-day could name once linked: no more than all its date's user-days
     * name together (an e-mail's day takes in the days of the ids linked to it).
     */
    private static int mostMerged(Map<UsageKey, Set<Counter>> names) {
      Map<LocalDate, Set<Counter>> byDate = new HashMap<>();
      names.forEach(
          (key, counters) ->
              byDate.computeIfAbsent(key.day(), d -> new HashSet<>()).addAll(counters));
      return byDate.values().stream().mapToInt(Set::size).max().orElse(0);
    }

    void addDeltas(UsageKey key, Map<Counter, Long> counters) {
      keys.computeIfAbsent(key, k -> new HashSet<>()).addAll(counters.keySet());
      deltas.addAll(key, counters);
    }

    void addSeries(Map<UsageKey, Set<Counter>> seriesKeys, List<CumulativePoint> seriesPoints) {
      seriesKeys.forEach(
          (key, names) -> keys.computeIfAbsent(key, k -> new HashSet<>()).addAll(names));
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
