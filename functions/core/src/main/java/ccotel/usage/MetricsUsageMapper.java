package ccotel.usage;

import ccotel.otlp.WrongWireTypes;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps Claude Code's metrics (all monotonic Sums) onto counters. Delta points become increments at
 * once; cumulative points are handed on with their series identity. Metrics Claude Code does not
 * document are ignored, not rejected: they are valid OTLP we simply do not count.
 */
final class MetricsUsageMapper {

  private static final int COST_SCALE = 9; // nano-USD
  private static final int SECONDS_SCALE = 6; // microseconds
  private static final String UNKNOWN = "unknown";

  private final UsageTally deltas = new UsageTally();
  private final List<CumulativePoint> cumulative = new ArrayList<>();
  private final Rejections rejections = new Rejections();
  private final Set<NumberDataPoint> rejected = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<UserIdentity, UserIdentity> links = new HashMap<>();
  private final PointGate gate;
  private Attributes.LinkedIds lastLinked;

  MetricsUsageMapper(Instant receivedAt) {
    this.gate = new PointGate(receivedAt);
  }

  UsageObservations map(ExportMetricsServiceRequest request) {
    for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
      List<KeyValue> resource = resourceMetrics.getResource().getAttributesList();
      for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
        for (Metric metric : scopeMetrics.getMetricsList()) {
          map(metric, resource);
        }
      }
    }
    return new UsageObservations(
        deltas, cumulative, rejections.count(), rejections.firstReason(), links);
  }

  /** The points {@link #map} rejected, by identity. */
  Set<NumberDataPoint> rejectedPoints() {
    return rejected;
  }

  private void map(Metric metric, List<KeyValue> resource) {
    if (!isClaudeCodeMetric(metric.getName())) {
      return;
    }
    if (!metric.hasSum()) {
      rejections.reject(metric.getName(), "expected a Sum, got " + metric.getDataCase());
      return;
    }
    Sum sum = metric.getSum();
    for (NumberDataPoint point : sum.getDataPointsList()) {
      long before = rejections.count();
      map(metric.getName(), sum, point, resource);
      if (rejections.count() != before) {
        rejected.add(point);
      }
    }
  }

  /** Counts one point, or rejects it with its reason. */
  private void map(String name, Sum sum, NumberDataPoint point, List<KeyValue> resource) {
    Attributes attributes = new Attributes(point.getAttributesList(), resource);
    Optional<Counter> counter = counterFor(name, attributes);
    if (counter.isEmpty()) {
      return;
    }
    String where = name;
    Optional<UserIdentity> user = attributes.user();
    if (user.isEmpty()) {
      rejections.reject(where, "no user.email, user.account_uuid or user.id attribute");
      return;
    }
    if (point.getTimeUnixNano() == 0) {
      rejections.reject(where, "timeUnixNano is missing");
      return;
    }
    String problem = gate.problem(point.getAttributesCount(), user.get(), point.getTimeUnixNano());
    if (problem != null) {
      rejections.reject(where, problem);
      return;
    }
    problem = Labels.problem(attributes);
    if (problem != null) {
      rejections.reject(where, problem);
      return;
    }
    if (WrongWireTypes.inPoint(point)) {
      rejections.reject(where, "data point fields have the wrong wire types");
      return;
    }
    if (point.getValueCase() == NumberDataPoint.ValueCase.VALUE_NOT_SET) {
      // Read as 0 it would count nothing here, and a cumulative series' next point twice.
      rejections.reject(where, "data point has no value (asDouble or asInt)");
      return;
    }
    long value;
    try {
      value = value(point, scaleOf(counter.get().family()));
    } catch (FixedPoint.InvalidValueException e) {
      rejections.reject(where, e.getMessage());
      return;
    }
    if (user.get().kind() == UserIdentity.Kind.EMAIL) {
      lastLinked = attributes.linkTo(user.get(), links, lastLinked);
    }
    UsageKey key = UsageKey.at(point.getTimeUnixNano(), user.get());
    Counter marker = sourceMarkerOf(counter.get());
    Optional<Counter> terminal = terminalShareOf(counter.get(), attributes);
    Map<Counter, Long> admitted =
        marker == null ? Map.of(counter.get(), value) : Map.of(counter.get(), value, marker, 1L);
    if (terminal.isPresent()) {
      admitted = new HashMap<>(admitted);
      admitted.put(terminal.get(), value);
    }
    // Labels only on points that surely add to the user-day now (a delta with a value, or a token
    // or cost point, which marks its model): a cumulative total re-sent unchanged after midnight
    // must not make a day with no usage appear.
    Map<Counter, Long> labels = new HashMap<>();
    boolean delta =
        sum.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    if (marker != null || (delta && value != 0)) {
      Labels.count(attributes, labels);
    }
    if (!labels.isEmpty()) {
      admitted = new HashMap<>(admitted);
      admitted.putAll(labels);
    }
    problem = gate.admit(key, admitted);
    if (problem != null) {
      rejections.reject(where, problem);
      return;
    }
    if (sum.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA) {
      deltas.add(key, counter.get(), value);
      terminal.ifPresent(share -> deltas.add(key, share, value));
    } else if (sum.getAggregationTemporality()
        == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE) {
      SeriesId series = seriesOf(name, point, resource);
      cumulative.add(
          new CumulativePoint(
              series,
              key,
              counter.get(),
              terminal.map(List::of).orElse(List.of()),
              point.getTimeUnixNano(),
              value));
    } else {
      rejections.reject(where, "aggregationTemporality must be DELTA or CUMULATIVE");
      return;
    }
    if (marker != null) {
      deltas.add(key, marker, 1);
    }
    deltas.addAll(key, labels); // one per point: a tally of points, not of amounts
  }

  static boolean isClaudeCodeMetric(String name) {
    return name.startsWith("claude_code.");
  }

  /**
   * The series of a cumulative point: named by ingest on a queued point, whose other attributes
   * were left out ({@link CountingProjection}); else hashed from all of them.
   */
  private static SeriesId seriesOf(
      String metricName, NumberDataPoint point, List<KeyValue> resource) {
    Optional<String> queued =
        Attributes.firstText(point.getAttributesList(), CountingProjection.SERIES_ATTRIBUTE);
    return queued.isPresent()
        ? new SeriesId(queued.get())
        : SeriesId.of(
            metricName, point.getAttributesList(), resource, point.getStartTimeUnixNano());
  }

  /** The counter a point adds to; empty for metrics and attribute values we do not count. */
  private static Optional<Counter> counterFor(String metricName, Attributes attributes) {
    return switch (metricName) {
      case "claude_code.session.count" -> Optional.of(Counter.of(CounterFamily.SESSIONS));
      case "claude_code.commit.count" -> Optional.of(Counter.of(CounterFamily.COMMITS));
      case "claude_code.pull_request.count" -> Optional.of(Counter.of(CounterFamily.PULL_REQUESTS));
      case "claude_code.lines_of_code.count" ->
          attributes
              .ownText("type")
              .flatMap(
                  type ->
                      switch (type) {
                        case "added" -> Optional.of(Counter.of(CounterFamily.LINES_ADDED));
                        case "removed" -> Optional.of(Counter.of(CounterFamily.LINES_REMOVED));
                        default -> Optional.empty();
                      });
      case "claude_code.cost.usage" ->
          Optional.of(Counter.of(CounterFamily.METRIC_COST_NANO_USD, model(attributes)));
      case "claude_code.token.usage" ->
          attributes
              .ownText("type")
              .flatMap(MetricsUsageMapper::tokenFamily)
              .map(family -> Counter.of(family, model(attributes)));
      case "claude_code.code_edit_tool.decision" -> editDecision(attributes);
      case "claude_code.active_time.total" ->
          Optional.of(
              Counter.of(CounterFamily.ACTIVE_MICROS, attributes.ownText("type").orElse(UNKNOWN)));
      default -> Optional.empty();
    };
  }

  private static Optional<CounterFamily> tokenFamily(String type) {
    return switch (type) {
      case "input" -> Optional.of(CounterFamily.METRIC_INPUT_TOKENS);
      case "output" -> Optional.of(CounterFamily.METRIC_OUTPUT_TOKENS);
      case "cacheRead" -> Optional.of(CounterFamily.METRIC_CACHE_READ_TOKENS);
      case "cacheCreation" -> Optional.of(CounterFamily.METRIC_CACHE_CREATION_TOKENS);
      default -> Optional.empty();
    };
  }

  private static Optional<Counter> editDecision(Attributes attributes) {
    String tool = attributes.ownText("tool_name").orElse(UNKNOWN);
    return attributes
        .ownText("decision")
        .flatMap(
            decision ->
                switch (decision) {
                  case "accept" -> Optional.of(Counter.of(CounterFamily.EDIT_ACCEPTED, tool));
                  case "reject" -> Optional.of(Counter.of(CounterFamily.EDIT_REJECTED, tool));
                  default -> Optional.empty();
                });
  }

  private static String model(Attributes attributes) {
    return attributes.ownText("model").orElse(UNKNOWN);
  }

  private static int scaleOf(CounterFamily family) {
    return switch (family) {
      case METRIC_COST_NANO_USD -> COST_SCALE;
      case ACTIVE_MICROS -> SECONDS_SCALE;
      default -> 0;
    };
  }

  private static long value(NumberDataPoint point, int scale)
      throws FixedPoint.InvalidValueException {
    return point.getValueCase() == NumberDataPoint.ValueCase.AS_INT
        ? FixedPoint.of(point.getAsInt(), scale)
        : FixedPoint.of(point.getAsDouble(), scale);
  }

  /**
   * The counter that keeps the share of {@code counter} of the point's {@code terminal.type}, if it
   * names one: sessions, and the metric cost per model (CONTRACT §5 {@code by_terminal}).
   */
  private static Optional<Counter> terminalShareOf(Counter counter, Attributes attributes) {
    return switch (counter.family()) {
      case SESSIONS ->
          attributes.terminalType().map(t -> Counter.of(CounterFamily.TERMINAL_SESSIONS, t));
      case METRIC_COST_NANO_USD ->
          attributes
              .terminalType()
              .map(
                  t ->
                      Counter.of(
                          CounterFamily.TERMINAL_METRIC_COST_NANO_USD, t, counter.dimension()));
      default -> Optional.empty(); // only sessions and cost are shown per terminal
    };
  }

  /**
   * The marker a point of {@code counter} also adds to, null if none: any token or cost point makes
   * the metrics the source of that model's tokens and cost.
   */
  private static Counter sourceMarkerOf(Counter counter) {
    return counter.family().dimension() == CounterFamily.Dimension.MODEL
        ? Counter.of(CounterFamily.METRIC_POINTS, counter.dimension())
        : null;
  }
}
