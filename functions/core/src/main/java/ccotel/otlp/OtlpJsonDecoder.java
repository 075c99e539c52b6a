package ccotel.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

// TEMPORARY STUB until the JSON decoder lands.
public final class OtlpJsonDecoder {
  private OtlpJsonDecoder() {}

  public static ExportMetricsServiceRequest decodeMetrics(byte[] json)
      throws MalformedOtlpException {
    throw new MalformedOtlpException("stub");
  }

  public static ExportLogsServiceRequest decodeLogs(byte[] json) throws MalformedOtlpException {
    throw new MalformedOtlpException("stub");
  }
}
