package ccotel.otlp;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;

/**
 * Finds protobuf that parsed only by accident. The wire format has no type names, so a logs request
 * posted to the metrics path parses "successfully" as metrics: every field whose wire type does not
 * match the schema is kept as an unknown field. An unknown field carrying the number of a field the
 * schema declares therefore means the bytes are some other message — usually the other signal — and
 * must be refused rather than answered with a 200 that counts nothing.
 */
public final class WrongWireTypes {

  private WrongWireTypes() {}

  static boolean in(ExportMetricsServiceRequest request) {
    if (clash(request)) {
      return true;
    }
    for (ResourceMetrics resource : request.getResourceMetricsList()) {
      if (clash(resource)) {
        return true;
      }
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        if (clash(scope)) {
          return true;
        }
        for (Metric metric : scope.getMetricsList()) {
          if (clash(metric)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  static boolean in(ExportLogsServiceRequest request) {
    if (clash(request)) {
      return true;
    }
    for (ResourceLogs resource : request.getResourceLogsList()) {
      if (clash(resource)) {
        return true;
      }
      for (ScopeLogs scope : resource.getScopeLogsList()) {
        if (clash(scope)) {
          return true;
        }
        for (LogRecord record : scope.getLogRecordsList()) {
          if (clash(record)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Whether a data point, or one of its attributes, has a field of the wrong wire type: an {@code
   * as_double} sent as a varint parses as a point without a value. Such a point is rejected alone
   * (the request as a whole is the right message); checked only for points that would count.
   */
  public static boolean inPoint(NumberDataPoint point) {
    return clash(point) || inAttributes(point.getAttributesList());
  }

  /** Whether a log record's attributes have a field of the wrong wire type (a lost number). */
  public static boolean inAttributes(Iterable<KeyValue> attributes) {
    for (KeyValue attribute : attributes) {
      if (clash(attribute) || clash(attribute.getValue())) {
        return true;
      }
      AnyValue value = attribute.getValue();
      if (value.hasKvlistValue() && inAttributes(value.getKvlistValue().getValuesList())) {
        return true;
      }
    }
    return false;
  }

  private static boolean clash(Message message) {
    UnknownFieldSet unknown = message.getUnknownFields();
    if (unknown.asMap().isEmpty()) {
      return false; // the usual case, and cheap
    }
    Descriptor type = message.getDescriptorForType();
    for (Integer number : unknown.asMap().keySet()) {
      if (type.findFieldByNumber(number) != null) {
        return true;
      }
    }
    return false;
  }
}
