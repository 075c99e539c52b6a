package ccotel.sqs;

import ccotel.ingest.QueuedExport;
import ccotel.otlp.OtlpSignal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How a {@link QueuedExport} is written as an SQS message. SQS bodies are text, so the protobuf
 * request travels gzip-compressed and base64-encoded; who and what it is travel as message
 * attributes, readable in a dead-letter queue without decoding the body.
 */
public final class SqsExportMessages {

  public static final String CONNECTION = "ccotel.connection";
  public static final String SIGNAL = "ccotel.signal";
  public static final String DELIVERY = "ccotel.delivery";
  public static final String RECEIVED_AT = "ccotel.receivedAt";

  private SqsExportMessages() {}

  /** The message body. */
  public static String body(QueuedExport export) {
    ByteArrayOutputStream compressed =
        new ByteArrayOutputStream(export.protobufBody().length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write(export.protobufBody());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(compressed.toByteArray());
  }

  /** The message attributes, as name → string value. */
  public static Map<String, String> attributes(QueuedExport export) {
    return Map.of(
        CONNECTION, export.connectionId(),
        SIGNAL, export.signal().name(),
        DELIVERY, export.deliveryId(),
        RECEIVED_AT, export.receivedAt().toString());
  }

  /**
   * Reads a message back.
   *
   * @throws IllegalArgumentException if the message is not one of ours (a poison message)
   */
  public static QueuedExport read(String body, Map<String, String> attributes) {
    String connection = required(attributes, CONNECTION);
    OtlpSignal signal = OtlpSignal.valueOf(required(attributes, SIGNAL));
    String delivery = required(attributes, DELIVERY);
    Instant receivedAt = Instant.parse(required(attributes, RECEIVED_AT));
    byte[] protobuf;
    try (InputStream in =
        new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(body)))) {
      protobuf = in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalArgumentException("message body is not base64 gzip: " + e.getMessage(), e);
    }
    return new QueuedExport(connection, signal, delivery, receivedAt, protobuf);
  }

  private static String required(Map<String, String> attributes, String name) {
    String value = attributes.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("message has no " + name + " attribute");
    }
    return value;
  }
}
