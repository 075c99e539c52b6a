package ccotel.ingest;

import ccotel.otlp.LongValues;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Splits a request too large for one queue message into parts that each fit, on resource, then
 * scope, then metric or record, then data point boundaries, halving until every part is small
 * enough. The split depends only on the request's bytes, so a client's retry splits the same way
 * and each part keeps its delivery id. A single point or record that is still too large loses its
 * long attribute values ({@link LongValues}), which never affect counting.
 */
final class QueuedParts {

  private QueuedParts() {}

  /** The parts, each at most {@code maxBytes} serialized; empty if one item cannot be shrunk. */
  static Optional<List<Message>> split(Message request, int maxBytes) {
    List<Message> parts = new ArrayList<>();
    return collect(request, maxBytes, parts) ? Optional.of(parts) : Optional.empty();
  }

  private static boolean collect(Message request, int maxBytes, List<Message> parts) {
    if (request.getSerializedSize() <= maxBytes) {
      parts.add(request);
      return true;
    }
    Optional<List<Message>> halves = halves(request);
    if (halves.isEmpty()) {
      Message trimmed = trimmed(request);
      if (trimmed.getSerializedSize() > maxBytes) {
        return false;
      }
      parts.add(trimmed);
      return true;
    }
    for (Message half : halves.get()) {
      if (!collect(half, maxBytes, parts)) {
        return false;
      }
    }
    return true;
  }

  private static Optional<List<Message>> halves(Message request) {
    return request instanceof ExportMetricsServiceRequest metrics
        ? metricsHalves(metrics)
        : logsHalves((ExportLogsServiceRequest) request);
  }

  private static Optional<List<Message>> metricsHalves(ExportMetricsServiceRequest request) {
    List<ResourceMetrics> resources = request.getResourceMetricsList();
    if (resources.size() > 1) {
      return Optional.of(
          halvesOf(
              resources,
              half ->
                  ExportMetricsServiceRequest.newBuilder().addAllResourceMetrics(half).build()));
    }
    if (resources.isEmpty()) {
      return Optional.empty();
    }
    ResourceMetrics resource = resources.get(0);
    UnaryOperator<ResourceMetrics> noScopes = r -> r.toBuilder().clearScopeMetrics().build();
    if (resource.getScopeMetricsCount() > 1) {
      return Optional.of(
          halvesOf(
              resource.getScopeMetricsList(),
              half ->
                  single(noScopes.apply(resource).toBuilder().addAllScopeMetrics(half).build())));
    }
    if (resource.getScopeMetricsCount() == 0) {
      return Optional.empty();
    }
    ScopeMetrics scope = resource.getScopeMetrics(0);
    if (scope.getMetricsCount() > 1) {
      return Optional.of(
          halvesOf(
              scope.getMetricsList(),
              half ->
                  single(
                      noScopes.apply(resource).toBuilder()
                          .addScopeMetrics(scope.toBuilder().clearMetrics().addAllMetrics(half))
                          .build())));
    }
    if (scope.getMetricsCount() == 0 || !scope.getMetrics(0).hasSum()) {
      return Optional.empty();
    }
    Metric metric = scope.getMetrics(0);
    List<NumberDataPoint> points = metric.getSum().getDataPointsList();
    if (points.size() < 2) {
      return Optional.empty();
    }
    return Optional.of(
        halvesOf(
            points,
            half -> {
              Metric part =
                  metric.toBuilder()
                      .setSum(metric.getSum().toBuilder().clearDataPoints().addAllDataPoints(half))
                      .build();
              return single(
                  noScopes.apply(resource).toBuilder()
                      .addScopeMetrics(scope.toBuilder().clearMetrics().addMetrics(part))
                      .build());
            }));
  }

  private static Optional<List<Message>> logsHalves(ExportLogsServiceRequest request) {
    List<ResourceLogs> resources = request.getResourceLogsList();
    if (resources.size() > 1) {
      return Optional.of(
          halvesOf(
              resources,
              half -> ExportLogsServiceRequest.newBuilder().addAllResourceLogs(half).build()));
    }
    if (resources.isEmpty()) {
      return Optional.empty();
    }
    ResourceLogs resource = resources.get(0);
    UnaryOperator<ResourceLogs> noScopes = r -> r.toBuilder().clearScopeLogs().build();
    if (resource.getScopeLogsCount() > 1) {
      return Optional.of(
          halvesOf(
              resource.getScopeLogsList(),
              half -> single(noScopes.apply(resource).toBuilder().addAllScopeLogs(half).build())));
    }
    if (resource.getScopeLogsCount() == 0) {
      return Optional.empty();
    }
    ScopeLogs scope = resource.getScopeLogs(0);
    if (scope.getLogRecordsCount() < 2) {
      return Optional.empty();
    }
    return Optional.of(
        halvesOf(
            scope.getLogRecordsList(),
            half ->
                single(
                    noScopes.apply(resource).toBuilder()
                        .addScopeLogs(scope.toBuilder().clearLogRecords().addAllLogRecords(half))
                        .build())));
  }

  private static Message single(ResourceMetrics resource) {
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(resource).build();
  }

  private static Message single(ResourceLogs resource) {
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(resource).build();
  }

  private static <T> List<Message> halvesOf(
      List<T> items, java.util.function.Function<List<T>, Message> build) {
    int middle = items.size() / 2;
    return List.of(
        build.apply(items.subList(0, middle)), build.apply(items.subList(middle, items.size())));
  }

  /** One resource with one point or record (or none): its long attribute values replaced. */
  private static Message trimmed(Message request) {
    if (request instanceof ExportMetricsServiceRequest metrics) {
      ExportMetricsServiceRequest.Builder builder = metrics.toBuilder();
      for (ResourceMetrics.Builder resource : builder.getResourceMetricsBuilderList()) {
        trim(resource.getResourceBuilder());
        for (ScopeMetrics.Builder scope : resource.getScopeMetricsBuilderList()) {
          for (Metric.Builder metric : scope.getMetricsBuilderList()) {
            if (metric.hasSum()) {
              for (NumberDataPoint.Builder point :
                  metric.getSumBuilder().getDataPointsBuilderList()) {
                List<KeyValue> attributes = trim(point.getAttributesList());
                point.clearAttributes().addAllAttributes(attributes);
              }
            }
          }
        }
      }
      return builder.build();
    }
    ExportLogsServiceRequest.Builder builder = ((ExportLogsServiceRequest) request).toBuilder();
    for (ResourceLogs.Builder resource : builder.getResourceLogsBuilderList()) {
      trim(resource.getResourceBuilder());
      for (ScopeLogs.Builder scope : resource.getScopeLogsBuilderList()) {
        for (LogRecord.Builder record : scope.getLogRecordsBuilderList()) {
          List<KeyValue> attributes = trim(record.getAttributesList());
          record.clearAttributes().addAllAttributes(attributes);
        }
      }
    }
    return builder.build();
  }

  private static void trim(Resource.Builder resource) {
    List<KeyValue> attributes = trim(resource.getAttributesList());
    resource.clearAttributes().addAllAttributes(attributes);
  }

  private static List<KeyValue> trim(List<KeyValue> attributes) {
    List<KeyValue> trimmed = new ArrayList<>(attributes.size());
    for (KeyValue attribute : attributes) {
      trimmed.add(LongValues.trimmed(attribute));
    }
    return trimmed;
  }
}
