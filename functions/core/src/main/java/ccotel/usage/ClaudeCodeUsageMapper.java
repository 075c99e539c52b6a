package ccotel.usage;

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
}
