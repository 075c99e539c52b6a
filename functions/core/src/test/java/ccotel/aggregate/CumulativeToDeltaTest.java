package ccotel.aggregate;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.query.StoredUsage;
import ccotel.testing.OtlpRequests;
import ccotel.testing.QueuedExports;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Cumulative Sums become exact increments, whatever order and however often points arrive. */
class CumulativeToDeltaTest {

  private static final String USER = "dev@example.com";
  private static final String TOKENS = "claude_code.token.usage";
  private static final long START = nanos("2026-11-24T10:00:00Z");
  private static final long RESTART = nanos("2026-11-24T12:00:00Z");

  /** A point of the input-token series of one process (start time) at second {@code s}. */
  private record Point(long start, int second, double value) {
    ExportMetricsServiceRequest request() {
      return OtlpRequests.metrics(USER)
          .cumulative(
              TOKENS, start, start + second * 1_000_000_000L, value, "type", "input", "model", "m")
          .build();
    }
  }

  static Stream<Arguments> series() {
    return Stream.of(
        series("first point counts its whole value", 40, p(START, 1, 40)),
        series(
            "later points count their increase",
            100,
            p(START, 1, 40),
            p(START, 2, 70),
            p(START, 3, 100)),
        series("unchanged total counts nothing more", 40, p(START, 1, 40), p(START, 2, 40)),
        series(
            "duplicate point counts once", 70, p(START, 1, 40), p(START, 2, 70), p(START, 2, 70)),
        series(
            "stale point arriving late counts nothing",
            100,
            p(START, 1, 40),
            p(START, 3, 100),
            p(START, 2, 70)),
        series(
            "reset at a later time counts its whole value",
            40 + 5 + 7,
            p(START, 1, 40),
            p(START, 2, 5),
            p(START, 3, 12)),
        series(
            "restart with a new start time is a new series",
            100 + 30,
            p(START, 1, 40),
            p(START, 2, 100),
            p(RESTART, 1, 30)),
        series(
            "the old process's late point after a restart still counts its increase",
            120 + 30,
            p(START, 1, 40),
            p(RESTART, 1, 30),
            p(START, 2, 120)),
        series("zero first point counts nothing", 9, p(START, 1, 0), p(START, 2, 9)));
  }

  private static Point p(long start, int second, double value) {
    return new Point(start, second, value);
  }

  private static Arguments series(String name, long expected, Point... points) {
    return Arguments.of(Named.of(name, List.of(points)), expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("series")
  void eachPointInItsOwnRequest_countsTheSeriesTotal(List<Point> points, long expected)
      throws Exception {
    InMemoryUsageStore store = new InMemoryUsageStore();
    AggregationService aggregation = new AggregationService(store);
    for (Point point : points) {
      byte[] body = point.request().toByteArray();
      aggregation.aggregate(QueuedExports.metrics("c1", body));
    }
    assertEquals(expected, inputTokens(store));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("series")
  void allPointsInOneRequest_countsTheSeriesTotal(List<Point> points, long expected)
      throws Exception {
    ExportMetricsServiceRequest.Builder all = ExportMetricsServiceRequest.newBuilder();
    for (Point point : points) {
      all.addAllResourceMetrics(point.request().getResourceMetricsList());
    }
    InMemoryUsageStore store = new InMemoryUsageStore();
    byte[] body = all.build().toByteArray();
    new AggregationService(store).aggregate(QueuedExports.metrics("c1", body));

    // Points of one series in one request are applied in time order: the totals are the same.
    assertEquals(expected, inputTokens(store));
  }

  private static long inputTokens(InMemoryUsageStore store) throws Exception {
    List<StoredUsage> rows =
        store
            .read(
                "c1",
                LocalDate.parse("2026-11-24"),
                LocalDate.parse("2026-11-24"),
                10,
                Optional.empty())
            .rows();
    Counter input = Counter.of(CounterFamily.METRIC_INPUT_TOKENS, "m");
    return rows.stream()
        .filter(
            r ->
                r.key()
                    .equals(new UsageKey(LocalDate.parse("2026-11-24"), UserIdentity.email(USER))))
        .mapToLong(r -> r.get(input))
        .sum();
  }
}
