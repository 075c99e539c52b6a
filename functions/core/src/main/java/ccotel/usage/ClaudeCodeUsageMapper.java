package ccotel.usage;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** Maps a decoded OTLP request from Claude Code onto usage observations. A pure function. */
public final class ClaudeCodeUsageMapper {

  private ClaudeCodeUsageMapper() {}

  public static UsageObservations map(ExportMetricsServiceRequest request) {
    return new MetricsUsageMapper().map(request);
  }

  public static UsageObservations map(ExportLogsServiceRequest request) {
    return new EventsUsageMapper().map(request);
  }
}
