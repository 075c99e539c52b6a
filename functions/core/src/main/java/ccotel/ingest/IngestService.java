package ccotel.ingest;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenGrant;
import ccotel.auth.TokenScope;
import ccotel.otlp.MalformedOtlpException;
import ccotel.otlp.OtlpAnswers;
import ccotel.otlp.OtlpAnswers.RpcCode;
import ccotel.otlp.OtlpDecoder;
import ccotel.otlp.OtlpEncoding;
import ccotel.otlp.OtlpSignal;
import ccotel.usage.BoundUser;
import ccotel.usage.ClaudeCodeUsageMapper;
import ccotel.usage.CountingProjection;
import ccotel.usage.UsageObservations;
import com.google.protobuf.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The OTLP/HTTP receiver, in the order of CONTRACT §1: route, token (so unauthenticated bytes are
 * never decompressed or parsed), content type and encoding, size after decompression, decode, then
 * queue. Every answer is in the client's encoding; a 200 means the export is durably queued. What
 * is queued is the request's {@link CountingProjection}: no free text a client sent reaches the
 * queue.
 */
public final class IngestService {

  /** Where Claude Code's {@code OTEL_EXPORTER_OTLP_ENDPOINT} points; it appends /v1/…. */
  public static final String BASE_PATH = "/api/otel";

  /**
   * The largest protobuf queued as one message. SQS takes 1 MiB; the queued form is base64 of gzip,
   * and gzip never grows data by more than a fraction of a percent, so this fits whatever the
   * content — the decision to split depends on the bytes alone, never on how well they compress.
   */
  static final int MAX_QUEUED_PROTOBUF_BYTES = 700 * 1024;

  /** Seconds a client should wait before retrying after a 503; well inside its 10 s timeout. */
  static final String RETRY_AFTER_SECONDS = "5";

  private final TokenAuthorizer authorizer;
  private final IngestQueue queue;
  private final Clock clock;
  private final int maxBodyBytes;

  public IngestService(
      TokenAuthorizer authorizer, IngestQueue queue, Clock clock, int maxBodyBytes) {
    this.authorizer = authorizer;
    this.queue = queue;
    this.clock = clock;
    this.maxBodyBytes = maxBodyBytes;
  }

  public ApiResponse accept(ApiRequest request) {
    Optional<OtlpEncoding> contentType =
        request.header("content-type").flatMap(OtlpEncoding::fromContentType);
    // Errors before we know a supported encoding are answered in JSON: readable by anyone.
    OtlpEncoding answerEncoding = contentType.orElse(OtlpEncoding.JSON);

    Optional<OtlpSignal> signal = OtlpSignal.forPath(BASE_PATH, request.path());
    if (signal.isEmpty()) {
      return OtlpAnswers.failure(
          404,
          RpcCode.NOT_FOUND,
          "no such path; OTLP/HTTP goes to "
              + BASE_PATH
              + "/v1/metrics or "
              + BASE_PATH
              + "/v1/logs",
          answerEncoding);
    }
    if (!"POST".equals(request.method())) {
      return OtlpAnswers.failure(
              405, RpcCode.UNIMPLEMENTED, "method not allowed; use POST", answerEncoding)
          .withHeader("Allow", "POST");
    }

    TokenAuthorizer.Authorization authorization =
        authorizer.authorize(request.header("authorization"), TokenScope.INGEST);
    if (!authorization.granted()) {
      return denied(authorization, answerEncoding);
    }

    if (contentType.isEmpty()) {
      return OtlpAnswers.failure(
          415,
          RpcCode.INVALID_ARGUMENT,
          "unsupported Content-Type '"
              + printable(request.header("content-type").orElse(""))
              + "'; use application/x-protobuf or application/json",
          answerEncoding);
    }
    OtlpEncoding encoding = contentType.get();
    String contentEncoding =
        request.header("content-encoding").orElse("identity").trim().toLowerCase(Locale.ROOT);
    if (!contentEncoding.equals("identity")
        && !contentEncoding.equals("gzip")
        && !contentEncoding.isEmpty()) {
      return OtlpAnswers.failure(
          415,
          RpcCode.INVALID_ARGUMENT,
          "unsupported Content-Encoding '" + printable(contentEncoding) + "'; use gzip or none",
          encoding);
    }

    byte[] body;
    if (contentEncoding.equals("gzip")) {
      try {
        body = BoundedGunzip.gunzip(request.body(), maxBodyBytes);
      } catch (BoundedGunzip.TooLargeException e) {
        return tooLarge(encoding);
      } catch (IOException e) {
        return OtlpAnswers.failure(
            400, RpcCode.INVALID_ARGUMENT, "body is not valid gzip: " + e.getMessage(), encoding);
      }
    } else {
      body = request.body();
      if (body.length > maxBodyBytes) {
        return tooLarge(encoding);
      }
    }

    Message decoded;
    try {
      decoded = OtlpDecoder.decode(signal.get(), encoding, body);
    } catch (MalformedOtlpException e) {
      return OtlpAnswers.failure(400, RpcCode.INVALID_ARGUMENT, e.getMessage(), encoding);
    }
    Optional<String> boundUser = authorization.grant().flatMap(TokenGrant::userEmail);
    if (boundUser.isPresent()) {
      decoded = BoundUser.bind(decoded, boundUser.get());
    }
    Instant receivedAt = clock.instant();
    ClaudeCodeUsageMapper.Mapped mapped = ClaudeCodeUsageMapper.mapForQueue(decoded, receivedAt);
    UsageObservations observations = mapped.observations();
    if (!observations.isEmpty()) {
      // Only what counting needs is queued: no prompt, tool input or other free text, and no
      // point or record rejected here.
      Message projected = mapped.projection();
      List<QueuedExport> exports =
          queuedExports(
              authorization.connectionId(),
              signal.get(),
              deliveryId(body, boundUser),
              projected,
              receivedAt);
      if (exports.isEmpty()) {
        return OtlpAnswers.failure(
            413,
            RpcCode.INVALID_ARGUMENT,
            "one data point or log record is too large to queue even without its long attribute"
                + " values; export smaller records",
            encoding);
      }
      try {
        for (QueuedExport export : exports) {
          queue.enqueue(export);
        }
      } catch (QueueUnavailableException e) {
        // Parts already queued are harmless: the client's retry gives them the same ids.
        return unavailable("queue unavailable, retry later", encoding);
      }
    }
    return OtlpAnswers.success(
        signal.get(), encoding, observations.rejected(), observations.rejectReason());
  }

  /**
   * What goes on the queue: the request as one export, or, when its protobuf is too large for one
   * message, deterministic parts with delivery ids {@code <delivery id>/<i>of<n>}. Empty if it
   * cannot be made to fit.
   */
  private static List<QueuedExport> queuedExports(
      String connectionId,
      OtlpSignal signal,
      String deliveryId,
      Message projected,
      Instant receivedAt) {
    if (projected.getSerializedSize() <= MAX_QUEUED_PROTOBUF_BYTES) {
      return List.of(
          new QueuedExport(connectionId, signal, deliveryId, receivedAt, projected.toByteArray()));
    }
    Optional<List<Message>> parts = QueuedParts.split(projected, MAX_QUEUED_PROTOBUF_BYTES);
    if (parts.isEmpty()) {
      return List.of();
    }
    List<QueuedExport> exports = new ArrayList<>();
    int count = parts.get().size();
    for (int i = 0; i < count; i++) {
      exports.add(
          new QueuedExport(
              connectionId,
              signal,
              deliveryId + "/" + i + "of" + count,
              receivedAt,
              parts.get().get(i).toByteArray()));
    }
    return exports;
  }

  /**
   * The answer when handling failed in a way nobody foresaw (a bug, a dependency failing oddly):
   * 503 with Retry-After rather than 500, so that the exporter keeps the data and retries.
   */
  public static ApiResponse unexpectedFailure(ApiRequest request) {
    OtlpEncoding encoding =
        request
            .header("content-type")
            .flatMap(OtlpEncoding::fromContentType)
            .orElse(OtlpEncoding.JSON);
    return unavailable("ccotel failed to take the export; retry later", encoding);
  }

  private static ApiResponse denied(
      TokenAuthorizer.Authorization authorization, OtlpEncoding encoding) {
    return switch (authorization.verdict()) {
      case UNAUTHENTICATED ->
          OtlpAnswers.failure(401, RpcCode.UNAUTHENTICATED, authorization.message(), encoding)
              .withHeader("WWW-Authenticate", "Bearer");
      case WRONG_SCOPE ->
          OtlpAnswers.failure(403, RpcCode.PERMISSION_DENIED, authorization.message(), encoding);
      case UNAVAILABLE -> unavailable(authorization.message(), encoding);
      case GRANTED -> throw new IllegalArgumentException("not a denial");
    };
  }

  private ApiResponse tooLarge(OtlpEncoding encoding) {
    return OtlpAnswers.failure(
        413,
        RpcCode.INVALID_ARGUMENT,
        "body larger than " + maxBodyBytes + " bytes after decompression; export smaller batches",
        encoding);
  }

  private static ApiResponse unavailable(String message, OtlpEncoding encoding) {
    return OtlpAnswers.failure(503, RpcCode.UNAVAILABLE, message, encoding)
        .withHeader("Retry-After", RETRY_AFTER_SECONDS);
  }

  /** A header value fit to quote in an answer: no control characters, not too long. */
  private static String printable(String value) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < value.length() && text.length() < 64; i++) {
      char c = value.charAt(i);
      text.append(Character.isISOControl(c) ? '?' : c);
    }
    return value.length() > 64 ? text + "…" : text.toString();
  }

  /**
   * The hash of the body, so a retried export is counted once. With a per-user token the bound
   * e-mail is hashed in too: two users' byte-identical exports are two exports.
   */
  static String deliveryId(byte[] body, Optional<String> boundUser) {
    if (boundUser.isEmpty()) {
      return sha256Hex(body);
    }
    byte[] user = ("user:" + boundUser.get() + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] both = new byte[user.length + body.length];
    System.arraycopy(user, 0, both, 0, user.length);
    System.arraycopy(body, 0, both, user.length, body.length);
    return sha256Hex(both);
  }

  static String sha256Hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
