package ccotel.ingest;

import ccotel.otlp.OtlpSignal;
import java.time.Instant;

/**
 * An accepted OTLP request on its way to the aggregator.
 *
 * @param deliveryId SHA-256 (hex) of the decompressed request body as the client sent it (with a
 *     per-user token, of the token's e-mail and the body): a client retry of the same export
 *     carries the same id, which is how it counts once
 * @param protobufBody what counting needs of the request ({@code CountingProjection}), in OTLP
 *     protobuf encoding whatever encoding the client used
 */
// Bodies are handed on, never compared: wrapping them to get value equality would copy them.
@SuppressWarnings("ArrayRecordComponent")
public record QueuedExport(
    String connectionId,
    OtlpSignal signal,
    String deliveryId,
    Instant receivedAt,
    byte[] protobufBody) {}
