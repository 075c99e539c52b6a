package ccotel.testing;

import ccotel.ingest.QueuedExport;
import ccotel.otlp.OtlpSignal;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

/** Queued exports as ingest would make them: the delivery id is the body's SHA-256. */
public final class QueuedExports {

  private QueuedExports() {}

  public static QueuedExport metrics(String connectionId, byte[] protobuf) {
    return of(connectionId, OtlpSignal.METRICS, protobuf);
  }

  public static QueuedExport logs(String connectionId, byte[] protobuf) {
    return of(connectionId, OtlpSignal.LOGS, protobuf);
  }

  public static QueuedExport of(String connectionId, OtlpSignal signal, byte[] protobuf) {
    return of(connectionId, signal, protobuf, Instant.parse("2026-11-30T15:00:00Z"));
  }

  /** As received at {@code receivedAt}, which bounds how new its points may be. */
  public static QueuedExport of(
      String connectionId, OtlpSignal signal, byte[] protobuf, Instant receivedAt) {
    try {
      String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(protobuf));
      return new QueuedExport(connectionId, signal, id, receivedAt, protobuf);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
