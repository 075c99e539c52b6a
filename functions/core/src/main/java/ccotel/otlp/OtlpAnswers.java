package ccotel.otlp;

import ccotel.api.ApiResponse;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * OTLP/HTTP answers: an {@code Export…ServiceResponse} on success, a {@code google.rpc.Status} on
 * failure, each in the encoding the client sent (OTLP/HTTP spec, "Response").
 */
public final class OtlpAnswers {

  private static final JsonFactory JSON = new JsonFactory();

  private OtlpAnswers() {}

  /**
   * A 200 answer; {@code rejected > 0} fills {@code partial_success} so the client can tell that
   * some points or records were dropped and why.
   */
  public static ApiResponse success(
      OtlpSignal signal, OtlpEncoding encoding, long rejected, String rejectedReason) {
    byte[] body =
        encoding == OtlpEncoding.PROTOBUF
            ? successProtobuf(signal, rejected, rejectedReason)
            : successJson(signal, rejected, rejectedReason);
    return ApiResponse.of(200, encoding.mediaType(), body);
  }

  /** An error answer with a {@code google.rpc.Status} body. */
  public static ApiResponse failure(
      int httpStatus, RpcCode code, String message, OtlpEncoding encoding) {
    byte[] body =
        encoding == OtlpEncoding.PROTOBUF
            ? statusProtobuf(code, message)
            : statusJson(code, message);
    return ApiResponse.of(httpStatus, encoding.mediaType(), body);
  }

  private static byte[] successProtobuf(OtlpSignal signal, long rejected, String reason) {
    if (signal == OtlpSignal.METRICS) {
      ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
      if (rejected > 0) {
        response.setPartialSuccess(
            ExportMetricsPartialSuccess.newBuilder()
                .setRejectedDataPoints(rejected)
                .setErrorMessage(reason));
      }
      return response.build().toByteArray();
    }
    ExportLogsServiceResponse.Builder response = ExportLogsServiceResponse.newBuilder();
    if (rejected > 0) {
      response.setPartialSuccess(
          ExportLogsPartialSuccess.newBuilder()
              .setRejectedLogRecords(rejected)
              .setErrorMessage(reason));
    }
    return response.build().toByteArray();
  }

  private static byte[] successJson(OtlpSignal signal, long rejected, String reason) {
    return json(
        generator -> {
          generator.writeStartObject();
          if (rejected > 0) {
            generator.writeObjectFieldStart("partialSuccess");
            // proto3 JSON writes int64 as a string.
            generator.writeStringField(
                signal == OtlpSignal.METRICS ? "rejectedDataPoints" : "rejectedLogRecords",
                Long.toString(rejected));
            generator.writeStringField("errorMessage", reason);
            generator.writeEndObject();
          }
          generator.writeEndObject();
        });
  }

  // google.rpc.Status is {int32 code = 1; string message = 2; repeated Any details = 3}; two fields
  // do not justify a dependency on the common-protos jar.
  private static byte[] statusProtobuf(RpcCode code, String message) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code.number());
      out.writeString(2, message);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] statusJson(RpcCode code, String message) {
    return json(
        generator -> {
          generator.writeStartObject();
          generator.writeNumberField("code", code.number());
          generator.writeStringField("message", message);
          generator.writeEndObject();
        });
  }

  private interface JsonWriting {
    void writeTo(JsonGenerator generator) throws IOException;
  }

  private static byte[] json(JsonWriting writing) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator generator = JSON.createGenerator(bytes)) {
      writing.writeTo(generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The {@code google.rpc.Code} values our answers use. */
  public enum RpcCode {
    INVALID_ARGUMENT(3),
    NOT_FOUND(5),
    PERMISSION_DENIED(7),
    RESOURCE_EXHAUSTED(8),
    UNIMPLEMENTED(12),
    UNAVAILABLE(14),
    UNAUTHENTICATED(16);

    private final int number;

    RpcCode(int number) {
      this.number = number;
    }

    public int number() {
      return number;
    }
  }
}
