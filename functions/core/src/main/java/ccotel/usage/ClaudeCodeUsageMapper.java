package ccotel.usage;

import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.time.Instant;

/** Maps a decoded OTLP request from Claude Code onto usage observations. A pure function. */
public final class ClaudeCodeUsageMapper {

  private ClaudeCodeUsageMapper() {}

  /**
   * {@code receivedAt} is when ingest accepted the request (the aggregator passes the instant
   * ingest stamped on the queued export, so both see the same result): data more than a day after
   * it is rejected as clock error.
   */
  public static UsageObservations map(ExportMetricsServiceRequest request, Instant receivedAt) {
    return new MetricsUsageMapper(receivedAt).map(request);
  }

  public static UsageObservations map(ExportLogsServiceRequest request, Instant receivedAt) {
    return new EventsUsageMapper(receivedAt).map(request);
  }

  /** What ingest learns of a request: its observations, and what of it to queue. */
  public record Mapped(UsageObservations observations, Message projection) {}

  /**
   * Maps a request and projects it for the queue ({@link CountingProjection}) without the points
   * and records it rejected. The aggregator maps what is queued with a fresh {@link PointGate},
   * whose per-request bounds (the sum of a counter, the distinct counters of a user-day) would
   * otherwise let a point rejected here count in a part of a split request.
   */
  public static Mapped mapForQueue(Message request, Instant receivedAt) {
    if (request instanceof ExportMetricsServiceRequest metrics) {
      MetricsUsageMapper mapper = new MetricsUsageMapper(receivedAt);
      UsageObservations observations = mapper.map(metrics);
      return new Mapped(observations, CountingProjection.of(metrics, mapper.rejectedPoints()));
    }
    ExportLogsServiceRequest logs = (ExportLogsServiceRequest) request;
    EventsUsageMapper mapper = new EventsUsageMapper(receivedAt);
    UsageObservations observations = mapper.map(logs);
    return new Mapped(observations, CountingProjection.of(logs, mapper.rejectedRecords()));
  }
}
