package ccotel.usage;

import java.util.List;

/**
 * What one OTLP request says about usage: increments that count as they are (delta sums, log
 * events), cumulative points that need series state first, and how many points or records were
 * rejected, with the first reason.
 */
public record UsageObservations(
    UsageTally deltas, List<CumulativePoint> cumulativePoints, long rejected, String rejectReason) {

  public UsageObservations {
    cumulativePoints = List.copyOf(cumulativePoints);
  }

  public boolean isEmpty() {
    return deltas.isEmpty() && cumulativePoints.isEmpty();
  }
}
