package ccotel.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** Decodes an OTLP/HTTP request body of either signal in either encoding. */
public final class OtlpDecoder {

  private OtlpDecoder() {}

  /**
   * Returns an {@link ExportMetricsServiceRequest} or {@link ExportLogsServiceRequest}.
   *
   * @throws MalformedOtlpException if the bytes are not that signal's request in that encoding
   */
  public static Message decode(OtlpSignal signal, OtlpEncoding encoding, byte[] body)
      throws MalformedOtlpException {
    return switch (encoding) {
      case PROTOBUF -> parseProtobuf(signal, body);
      case JSON ->
          signal == OtlpSignal.METRICS
              ? OtlpJsonDecoder.decodeMetrics(body)
              : OtlpJsonDecoder.decodeLogs(body);
    };
  }

  public static ExportMetricsServiceRequest decodeMetrics(OtlpEncoding encoding, byte[] body)
      throws MalformedOtlpException {
    return (ExportMetricsServiceRequest) decode(OtlpSignal.METRICS, encoding, body);
  }

  public static ExportLogsServiceRequest decodeLogs(OtlpEncoding encoding, byte[] body)
      throws MalformedOtlpException {
    return (ExportLogsServiceRequest) decode(OtlpSignal.LOGS, encoding, body);
  }

  private static Message parseProtobuf(OtlpSignal signal, byte[] body)
      throws MalformedOtlpException {
    try {
      if (signal == OtlpSignal.METRICS) {
        ExportMetricsServiceRequest metrics = ExportMetricsServiceRequest.parseFrom(body);
        if (WrongWireTypes.in(metrics)) {
          throw wrongMessage(signal, isCleanLogs(body));
        }
        return metrics;
      }
      ExportLogsServiceRequest logs = ExportLogsServiceRequest.parseFrom(body);
      if (WrongWireTypes.in(logs)) {
        throw wrongMessage(signal, isCleanMetrics(body));
      }
      return logs;
    } catch (InvalidProtocolBufferException e) {
      if (signal == OtlpSignal.METRICS ? isCleanLogs(body) : isCleanMetrics(body)) {
        throw wrongMessage(signal, true);
      }
      throw new MalformedOtlpException(
          "body is not a protobuf-encoded Export"
              + (signal == OtlpSignal.METRICS ? "Metrics" : "Logs")
              + "ServiceRequest: "
              + e.getMessage(),
          e);
    }
  }

  private static MalformedOtlpException wrongMessage(OtlpSignal signal, boolean otherSignalFits) {
    OtlpSignal other = signal == OtlpSignal.METRICS ? OtlpSignal.LOGS : OtlpSignal.METRICS;
    return new MalformedOtlpException(
        otherSignalFits
            ? "body is an OTLP "
                + other.label()
                + " request, not "
                + signal.label()
                + "; send it to "
                + other.pathSuffix()
            : "body is not a protobuf-encoded Export"
                + (signal == OtlpSignal.METRICS ? "Metrics" : "Logs")
                + "ServiceRequest: fields have the wrong wire types");
  }

  private static boolean isCleanLogs(byte[] body) {
    try {
      return !WrongWireTypes.in(ExportLogsServiceRequest.parseFrom(body));
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  private static boolean isCleanMetrics(byte[] body) {
    try {
      return !WrongWireTypes.in(ExportMetricsServiceRequest.parseFrom(body));
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }
}
