package ccotel.usage;

import com.google.protobuf.Message;
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
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import java.util.Set;

/**
 * Identity from the credential, not the payload (CONTRACT §7): a request sent with a per-user
 * ingest token is rewritten before it is mapped so that every identity attribute a client set is
 * gone and each resource names the token's user. The mappers then count everything for that user,
 * learn no account or user id link from it, and key cumulative series under that user.
 */
public final class BoundUser {

  private static final String EMAIL = "user.email";
  private static final Set<String> IDENTITY = Set.of(EMAIL, "user.account_uuid", "user.id");

  private BoundUser() {}

  /** {@code request} with every resource's user set to {@code email} and no other identity. */
  public static Message bind(Message request, String email) {
    KeyValue user =
        KeyValue.newBuilder()
            .setKey(EMAIL)
            .setValue(AnyValue.newBuilder().setStringValue(email))
            .build();
    if (request instanceof ExportMetricsServiceRequest metrics) {
      return bind(metrics, user);
    }
    return bind((ExportLogsServiceRequest) request, user);
  }

  private static ExportMetricsServiceRequest bind(
      ExportMetricsServiceRequest request, KeyValue user) {
    ExportMetricsServiceRequest.Builder bound = request.toBuilder();
    for (ResourceMetrics.Builder resource : bound.getResourceMetricsBuilderList()) {
      bindResource(resource.getResourceBuilder(), user);
      for (ScopeMetrics.Builder scope : resource.getScopeMetricsBuilderList()) {
        for (Metric.Builder metric : scope.getMetricsBuilderList()) {
          // Only number points are ever counted; other kinds are never queued.
          if (metric.hasSum()) {
            metric.getSumBuilder().getDataPointsBuilderList().forEach(BoundUser::withoutIdentity);
          } else if (metric.hasGauge()) {
            metric.getGaugeBuilder().getDataPointsBuilderList().forEach(BoundUser::withoutIdentity);
          }
        }
      }
    }
    return bound.build();
  }

  private static ExportLogsServiceRequest bind(ExportLogsServiceRequest request, KeyValue user) {
    ExportLogsServiceRequest.Builder bound = request.toBuilder();
    for (ResourceLogs.Builder resource : bound.getResourceLogsBuilderList()) {
      bindResource(resource.getResourceBuilder(), user);
      for (ScopeLogs.Builder scope : resource.getScopeLogsBuilderList()) {
        for (LogRecord.Builder record : scope.getLogRecordsBuilderList()) {
          List<KeyValue> kept = withoutIdentity(record.getAttributesList());
          record.clearAttributes().addAllAttributes(kept);
        }
      }
    }
    return bound.build();
  }

  private static void bindResource(Resource.Builder resource, KeyValue user) {
    List<KeyValue> kept = withoutIdentity(resource.getAttributesList());
    resource.clearAttributes().addAttributes(user).addAllAttributes(kept);
  }

  private static void withoutIdentity(NumberDataPoint.Builder point) {
    List<KeyValue> kept = withoutIdentity(point.getAttributesList());
    point.clearAttributes().addAllAttributes(kept);
  }

  private static List<KeyValue> withoutIdentity(List<KeyValue> attributes) {
    return attributes.stream().filter(a -> !IDENTITY.contains(a.getKey())).toList();
  }
}
