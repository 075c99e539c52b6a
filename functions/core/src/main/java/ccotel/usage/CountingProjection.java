package ccotel.usage;

import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import java.util.Set;

/**
 * What of a request counting needs, and nothing else: this is what ingest queues, so prompt text,
 * tool parameters, model responses and every other free text a client sends never reach the queue,
 * the dead-letter queue or disk. An allowlist: records keep only the attributes the mappers read
 * (identity, event name, model, tool, decision, token and cost amounts) and no body; events and
 * metrics that are never counted are left out whole. Mapping the projection gives the same counters
 * as mapping the request.
 *
 * <p>Metric attributes are also cumulative series identity, which the dropped ones are part of.
 * Each cumulative point therefore carries the {@link SeriesId} of its whole original attributes
 * (same hash as before, so stored series states carry on and distinct series stay distinct) in the
 * {@value #SERIES_ATTRIBUTE} attribute, which the mapper reads in place of hashing again.
 */
public final class CountingProjection {

  /** The attribute of a queued cumulative point that names its series. */
  static final String SERIES_ATTRIBUTE = "ccotel.series";

  private CountingProjection() {}

  public static ExportMetricsServiceRequest of(ExportMetricsServiceRequest request) {
    return of(request, Set.of());
  }

  /** The projection without the points the mapper rejected (see {@link ClaudeCodeUsageMapper}). */
  static ExportMetricsServiceRequest of(
      ExportMetricsServiceRequest request, Set<NumberDataPoint> rejected) {
    ExportMetricsServiceRequest.Builder projected = ExportMetricsServiceRequest.newBuilder();
    for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
      List<KeyValue> resource = resourceMetrics.getResource().getAttributesList();
      ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
      for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
        for (Metric metric : scopeMetrics.getMetricsList()) {
          // The mapper ignores other metrics and rejects claude_code ones that are not Sums.
          if (MetricsUsageMapper.isClaudeCodeMetric(metric.getName()) && metric.hasSum()) {
            Metric kept = projected(metric, resource, rejected);
            if (kept.getSum().getDataPointsCount() > 0) {
              scope.addMetrics(kept);
            }
          }
        }
      }
      if (scope.getMetricsCount() > 0) {
        projected.addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(projected(resourceMetrics.getResource()))
                .addScopeMetrics(scope));
      }
    }
    return projected.build();
  }

  public static ExportLogsServiceRequest of(ExportLogsServiceRequest request) {
    return of(request, Set.of());
  }

  /** The projection without the records the mapper rejected. */
  static ExportLogsServiceRequest of(ExportLogsServiceRequest request, Set<LogRecord> rejected) {
    ExportLogsServiceRequest.Builder projected = ExportLogsServiceRequest.newBuilder();
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      ScopeLogs.Builder scope = ScopeLogs.newBuilder();
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        for (LogRecord record : scopeLogs.getLogRecordsList()) {
          if (EventsUsageMapper.isCounted(EventsUsageMapper.eventName(record))
              && record.getAttributesCount() <= PointGate.MAX_ATTRIBUTES
              && !rejected.contains(record)) {
            scope.addLogRecords(projected(record));
          }
        }
      }
      if (scope.getLogRecordsCount() > 0) {
        projected.addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(projected(resourceLogs.getResource()))
                .addScopeLogs(scope));
      }
    }
    return projected.build();
  }

  private static Metric projected(
      Metric metric, List<KeyValue> resource, Set<NumberDataPoint> rejected) {
    Sum sum = metric.getSum();
    boolean cumulative =
        sum.getAggregationTemporality()
            == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    Sum.Builder projected =
        Sum.newBuilder()
            .setAggregationTemporality(sum.getAggregationTemporality())
            .setIsMonotonic(sum.getIsMonotonic());
    for (NumberDataPoint point : sum.getDataPointsList()) {
      // More attributes than that is rejected; without them it might not be.
      if (point.getAttributesCount() > PointGate.MAX_ATTRIBUTES || rejected.contains(point)) {
        continue;
      }
      // toBuilder keeps the value exactly as sent, whichever (or none) it is.
      NumberDataPoint.Builder kept =
          point.toBuilder()
              .clearAttributes()
              .addAllAttributes(readByMappers(point.getAttributesList()))
              .clearExemplars()
              .setUnknownFields(declaredFields(point));
      if (cumulative) {
        SeriesId series =
            SeriesId.of(
                metric.getName(),
                point.getAttributesList(),
                resource,
                point.getStartTimeUnixNano());
        kept.addAttributes(
            KeyValue.newBuilder()
                .setKey(SERIES_ATTRIBUTE)
                .setValue(AnyValue.newBuilder().setStringValue(series.value())));
      }
      projected.addDataPoints(kept);
    }
    return Metric.newBuilder().setName(metric.getName()).setSum(projected).build();
  }

  private static LogRecord projected(LogRecord record) {
    LogRecord.Builder projected =
        LogRecord.newBuilder()
            .setTimeUnixNano(record.getTimeUnixNano())
            .setObservedTimeUnixNano(record.getObservedTimeUnixNano())
            .addAllAttributes(readByMappers(record.getAttributesList()));
    if (Attributes.firstText(record.getAttributesList(), "event.name").isEmpty()) {
      // Named by event_name or by the body: the name alone stays, the body goes.
      projected.setEventName(
          record.getEventName().isEmpty()
              ? record.getBody().getStringValue()
              : record.getEventName());
    }
    return projected.build();
  }

  private static Resource projected(Resource resource) {
    return Resource.newBuilder()
        .addAllAttributes(readByMappers(resource.getAttributesList()))
        .build();
  }

  /**
   * The point's unknown fields that carry a declared field's number (a value sent with the wrong
   * wire type), so that the aggregator judges the point as ingest did; other unknown fields are
   * bytes nobody reads.
   */
  private static UnknownFieldSet declaredFields(NumberDataPoint point) {
    UnknownFieldSet unknown = point.getUnknownFields();
    if (unknown.asMap().isEmpty()) {
      return unknown;
    }
    UnknownFieldSet.Builder declared = UnknownFieldSet.newBuilder();
    unknown
        .asMap()
        .forEach(
            (number, field) -> {
              if (NumberDataPoint.getDescriptor().findFieldByNumber(number) != null) {
                declared.addField(number, field);
              }
            });
    return declared.build();
  }

  /** The attributes whose keys the mappers read, in their order (the first of a key wins). */
  private static List<KeyValue> readByMappers(List<KeyValue> attributes) {
    return attributes.stream().filter(a -> Attributes.isRead(a.getKey())).toList();
  }
}
