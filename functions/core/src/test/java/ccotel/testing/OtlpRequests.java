package ccotel.testing;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds OTLP requests shaped like Claude Code's, for the cases the captures do not cover: {@code
 * OtlpRequests.metrics("a@x").cumulative("claude_code.session.count", start, time, 1).build()}.
 */
public final class OtlpRequests {

  private OtlpRequests() {}

  public static long nanos(String instant) {
    Instant parsed = Instant.parse(instant);
    return parsed.getEpochSecond() * 1_000_000_000L + parsed.getNano();
  }

  public static byte[] gzip(byte[] body) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out)) {
      gzip.write(body);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  public static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  public static MetricsBuilder metrics(String email) {
    return new MetricsBuilder(email);
  }

  public static LogsBuilder logs(String email) {
    return new LogsBuilder(email);
  }

  /** One resource (one Claude Code process) with Sum points. */
  public static final class MetricsBuilder {
    private final String email;
    private final Map<String, String> resource = new LinkedHashMap<>();
    private final List<Metric> metrics = new ArrayList<>();

    private MetricsBuilder(String email) {
      this.email = email;
      resource.put("service.name", "claude-code");
      if (email != null) {
        resource.put("user.email", email);
      }
    }

    public MetricsBuilder resource(String key, String value) {
      resource.put(key, value);
      return this;
    }

    public MetricsBuilder delta(String name, long timeNanos, double value, String... attributes) {
      return point(
          name,
          AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA,
          0,
          timeNanos,
          value,
          attributes);
    }

    public MetricsBuilder cumulative(
        String name, long startNanos, long timeNanos, double value, String... attributes) {
      return point(
          name,
          AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
          startNanos,
          timeNanos,
          value,
          attributes);
    }

    public MetricsBuilder point(
        String name,
        AggregationTemporality temporality,
        long startNanos,
        long timeNanos,
        double value,
        String... attributes) {
      NumberDataPoint.Builder point =
          NumberDataPoint.newBuilder()
              .setStartTimeUnixNano(startNanos)
              .setTimeUnixNano(timeNanos)
              .setAsDouble(value);
      if (email != null) {
        point.addAttributes(attribute("user.email", email));
      }
      for (int i = 0; i + 1 < attributes.length; i += 2) {
        point.addAttributes(attribute(attributes[i], attributes[i + 1]));
      }
      metrics.add(
          Metric.newBuilder()
              .setName(name)
              .setSum(
                  Sum.newBuilder()
                      .setAggregationTemporality(temporality)
                      .setIsMonotonic(true)
                      .addDataPoints(point))
              .build());
      return this;
    }

    public ExportMetricsServiceRequest build() {
      Resource.Builder resourceBuilder = Resource.newBuilder();
      resource.forEach((k, v) -> resourceBuilder.addAttributes(attribute(k, v)));
      return ExportMetricsServiceRequest.newBuilder()
          .addResourceMetrics(
              ResourceMetrics.newBuilder()
                  .setResource(resourceBuilder)
                  .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(metrics)))
          .build();
    }
  }

  /** One resource with Claude Code events. */
  public static final class LogsBuilder {
    private final String email;
    private final List<LogRecord> records = new ArrayList<>();

    private LogsBuilder(String email) {
      this.email = email;
    }

    public LogsBuilder event(String name, long timeNanos, String... attributes) {
      LogRecord.Builder record =
          LogRecord.newBuilder()
              .setTimeUnixNano(timeNanos)
              .setObservedTimeUnixNano(timeNanos)
              .setBody(AnyValue.newBuilder().setStringValue("claude_code." + name))
              .addAttributes(attribute("event.name", name));
      if (email != null) {
        record.addAttributes(attribute("user.email", email));
      }
      for (int i = 0; i + 1 < attributes.length; i += 2) {
        record.addAttributes(attribute(attributes[i], attributes[i + 1]));
      }
      records.add(record.build());
      return this;
    }

    public ExportLogsServiceRequest build() {
      return ExportLogsServiceRequest.newBuilder()
          .addResourceLogs(
              ResourceLogs.newBuilder()
                  .setResource(
                      Resource.newBuilder().addAttributes(attribute("service.name", "claude-code")))
                  .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(records)))
          .build();
    }
  }
}
