package ccotel.ingest;

import static ccotel.testing.OtlpRequests.attribute;
import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.query.StoredUsage;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import ccotel.testing.RpcStatus;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and broken requests, each through ingest, the queue and the aggregator: the status
 * CONTRACT §1 gives it, an answer in the right encoding, nothing counted for what was rejected, and
 * exactly the valid part counted for what was accepted.
 */
class BadInputMatrixTest {

  private static final String METRICS = "/api/otel/v1/metrics";
  private static final String LOGS = "/api/otel/v1/logs";
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  private static final long T = nanos("2026-11-24T10:00:00Z");
  private static final Counter SESSIONS = Counter.of(CounterFamily.SESSIONS);
  private static final Counter PROMPTS = Counter.of(CounterFamily.PROMPTS);

  private InMemoryPipeline pipeline;
  private ConnectionAdmin.NewConnection connection;

  @BeforeEach
  void setUp() {
    pipeline = new InMemoryPipeline();
    connection = pipeline.admin.create("matrix");
  }

  /** A request to send (built from the connection's tokens) and what must come of it. */
  record Case(
      String name,
      Function<ConnectionAdmin.NewConnection, ApiRequest> request,
      int status,
      String answerType,
      Map<Counter, Long> counted,
      long rejected) {

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // ---- refused before or while decoding: nothing queued, nothing counted
        refused("truncated protobuf", protobuf(METRICS, truncate(sessions(1))), 400, PROTOBUF),
        refused("random bytes as protobuf", protobuf(METRICS, garbage()), 400, PROTOBUF),
        refused("logs protobuf on the metrics path", protobuf(METRICS, prompts(1)), 400, PROTOBUF),
        refused("metrics protobuf on the logs path", protobuf(LOGS, sessions(1)), 400, PROTOBUF),
        refused(
            "logs JSON on the metrics path",
            json(METRICS, "{\"resourceLogs\":[{\"scopeLogs\":[]}]}"),
            400,
            JSON),
        refused("traces JSON on the logs path", json(LOGS, "{\"resourceSpans\":[]}"), 400, JSON),
        refused(
            "gzip bomb",
            gzipped(METRICS, new byte[InMemoryPipeline.MAX_BODY_BYTES + 1]),
            413,
            PROTOBUF),
        refused(
            "invalid gzip",
            with(protobuf(METRICS, sessions(1)), "content-encoding", "gzip"),
            400,
            PROTOBUF),
        refused(
            "body over the limit",
            protobuf(METRICS, new byte[InMemoryPipeline.MAX_BODY_BYTES + 1]),
            413,
            PROTOBUF),
        refused(
            "JSON with an object for timeUnixNano",
            json(METRICS, sessionJson("{}", "{\"asInt\":\"1\"}")),
            400,
            JSON),
        refused(
            "JSON with text for asDouble",
            json(METRICS, sessionJson("\"" + T + "\"", "{\"asDouble\":\"one\"}")),
            400,
            JSON),
        refused("JSON array instead of an object", json(METRICS, "[]"), 400, JSON),
        refused(
            "JSON nested 10000 deep",
            json(METRICS, "{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"),
            400,
            JSON),
        refused(
            "JSON attribute values nested 100 deep",
            json(METRICS, deepAttributeJson(100)),
            400,
            JSON),
        refused(
            "invalid UTF-8 in JSON",
            request(METRICS, JSON, invalidUtf8Json(), Map.of()),
            400,
            JSON),
        refused(
            "invalid UTF-8 in a protobuf string",
            protobuf(METRICS, invalidUtf8Protobuf()),
            400,
            PROTOBUF),
        refused(
            "header injection in Content-Type",
            with(
                protobuf(METRICS, sessions(1)),
                "content-type",
                "application/x-protobuf\r\nX-Injected: 1"),
            415,
            JSON),
        refused(
            "header injection in Authorization",
            c ->
                withAuthorization(
                    protobuf(METRICS, sessions(1)).apply(c),
                    "Bearer " + c.ingestToken().value() + "\r\nX-Injected: 1"),
            401,
            PROTOBUF),
        refused(
            "text/plain",
            with(protobuf(METRICS, sessions(1)), "content-type", "text/plain"),
            415,
            JSON),
        refused(
            "deflate encoding",
            with(protobuf(METRICS, sessions(1)), "content-encoding", "deflate"),
            415,
            PROTOBUF),
        refused(
            "read token",
            c ->
                withAuthorization(
                    protobuf(METRICS, sessions(1)).apply(c), "Bearer " + c.readToken().value()),
            403,
            PROTOBUF),
        refused(
            "no token",
            c -> withAuthorization(protobuf(METRICS, sessions(1)).apply(c), null),
            401,
            PROTOBUF),
        refused("traces path", protobuf("/api/otel/v1/traces", sessions(1)), 404, PROTOBUF),
        refused(
            "GET",
            c -> {
              ApiRequest post = protobuf(METRICS, sessions(1)).apply(c);
              return new ApiRequest("GET", post.path(), post.headers(), Map.of(), post.body());
            },
            405,
            PROTOBUF),

        // ---- accepted: the valid points count exactly, the rest is reported
        partial("NaN value", metricsWithOneBad(p -> p.setAsDouble(Double.NaN))),
        partial("negative value", metricsWithOneBad(p -> p.setAsDouble(-3))),
        partial("infinite value", metricsWithOneBad(p -> p.setAsDouble(Double.POSITIVE_INFINITY))),
        partial(
            "far-future timestamp",
            metricsWithOneBad(p -> p.setTimeUnixNano(nanos("2100-01-01T00:00:00Z")))),
        partial(
            "far-past timestamp",
            metricsWithOneBad(p -> p.setTimeUnixNano(nanos("1999-12-31T00:00:00Z")))),
        partial("missing timestamp", metricsWithOneBad(p -> p.setTimeUnixNano(0))),
        partial(
            "missing user identity",
            OtlpRequests.metrics("dev@example.com")
                .delta("claude_code.session.count", T, 1)
                .delta("claude_code.session.count", T, 2)
                .build()
                .toBuilder()
                .mergeFrom(
                    OtlpRequests.metrics(null).delta("claude_code.session.count", T, 40).build())
                .build()
                .toByteArray()),
        partial(
            "10 KB e-mail",
            metricsWithOneBad(
                p ->
                    p.clearAttributes()
                        .addAttributes(attribute("user.email", "x".repeat(10_000) + "@a.com")))),
        partial(
            "200 attributes on a point",
            metricsWithOneBad(
                p -> {
                  for (int i = 0; i < 200; i++) {
                    p.addAttributes(attribute("extra." + i, "v"));
                  }
                })),
        new Case(
            "10 KB model name",
            protobuf(
                METRICS,
                OtlpRequests.metrics("dev@example.com")
                    .delta("claude_code.session.count", T, 2)
                    .delta("claude_code.cost.usage", T, 0.5, "model", "m".repeat(10_000))
                    .build()
                    .toByteArray()),
            200,
            PROTOBUF,
            Map.of(SESSIONS, 2L),
            1),
        new Case(
            "300 distinct tool names for one user and day",
            protobuf(LOGS, toolResults(300)),
            200,
            PROTOBUF,
            firstToolCounters(PointGate_MAX),
            300 - PointGate_MAX),
        new Case(
            "unknown metrics are ignored, not rejected",
            protobuf(
                METRICS,
                OtlpRequests.metrics("dev@example.com")
                    .delta("claude_code.session.count", T, 2)
                    .delta("claude_code.not_a_metric", T, 7)
                    .delta("http.server.duration", T, 7)
                    .build()
                    .toByteArray()),
            200,
            PROTOBUF,
            Map.of(SESSIONS, 2L),
            0),
        new Case("empty protobuf body", protobuf(METRICS, new byte[0]), 200, PROTOBUF, Map.of(), 0),
        new Case("empty JSON object", json(LOGS, "{}"), 200, JSON, Map.of(), 0),
        new Case(
            "JSON with a negative value",
            json(METRICS, sessionJson("\"" + T + "\"", "{\"asDouble\":-3}")),
            200,
            JSON,
            Map.of(),
            1),
        new Case(
            "unknown JSON fields are ignored",
            json(
                METRICS,
                sessionJson("\"" + T + "\"", "{\"asInt\":\"4\",\"futureField\":{\"a\":[1,2]}}")),
            200,
            JSON,
            Map.of(SESSIONS, 4L),
            0),
        new Case(
            "gzipped logs with one record lacking a user",
            gzipped(
                LOGS,
                OtlpRequests.logs("dev@example.com").event("user_prompt", T).build().toBuilder()
                    .mergeFrom(OtlpRequests.logs(null).event("user_prompt", T).build())
                    .build()
                    .toByteArray()),
            200,
            PROTOBUF,
            Map.of(PROMPTS, 1L),
            1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersAsTheContractSays_andCountsExactlyWhatItAccepted(Case c) throws Exception {
    ApiRequest request = c.request().apply(connection);

    ApiResponse answer = pipeline.ingest.accept(request);

    assertEquals(c.status(), answer.status(), answer.bodyText());
    assertEquals(c.answerType(), answer.headers().get("Content-Type"));
    if (c.status() != 200) {
      RpcStatus status =
          c.answerType().equals(PROTOBUF)
              ? RpcStatus.fromProtobuf(answer.body())
              : RpcStatus.fromJson(answer.body());
      assertFalse(status.message().isBlank(), "a message a user can act on");
      assertFalse(status.message().contains("\n"), "no header value echoed raw");
      assertEquals(0, pipeline.queue.size(), "nothing rejected is queued");
    } else {
      assertEquals(c.rejected(), rejectedCount(request.path(), c.answerType(), answer));
    }
    // Whatever was queued is aggregated, twice over (a redelivery), and must count exactly.
    var queued = pipeline.queue.drain();
    for (int round = 0; round < 2; round++) {
      for (QueuedExport export : queued) {
        pipeline.aggregation.aggregate(export);
      }
    }
    assertEquals(c.counted(), everythingCounted());
  }

  /** Every counter of the connection on any day, summed. */
  private Map<Counter, Long> everythingCounted() throws Exception {
    Map<Counter, Long> totals = new TreeMap<>();
    for (StoredUsage row :
        pipeline
            .store
            .read(
                connection.connection().id(),
                LocalDate.of(1970, 1, 1),
                LocalDate.of(2999, 12, 31),
                1000,
                Optional.empty())
            .rows()) {
      row.counters()
          .forEach(
              (counter, amount) -> {
                if (counter.family() != CounterFamily.METRIC_POINTS) {
                  totals.merge(counter, amount, Long::sum);
                }
              });
    }
    return totals;
  }

  private static long rejectedCount(String path, String type, ApiResponse answer) throws Exception {
    if (type.equals(JSON)) {
      JsonNode partialSuccess = Json.read(answer.body()).path("partialSuccess");
      // proto3 JSON writes int64 as a string; absent means none rejected.
      return Long.parseLong(
          partialSuccess
              .path(path.equals(LOGS) ? "rejectedLogRecords" : "rejectedDataPoints")
              .asText("0"));
    }
    return path.equals(LOGS)
        ? ExportLogsServiceResponse.parseFrom(answer.body())
            .getPartialSuccess()
            .getRejectedLogRecords()
        : ExportMetricsServiceResponse.parseFrom(answer.body())
            .getPartialSuccess()
            .getRejectedDataPoints();
  }

  // ---- case builders

  private static Case refused(
      String name,
      Function<ConnectionAdmin.NewConnection, ApiRequest> request,
      int status,
      String answerType) {
    return new Case(name, request, status, answerType, Map.of(), 0);
  }

  /** Two good session points (3 sessions) and one point spoiled by {@code spoil}. */
  private static Case partial(String name, byte[] body) {
    return new Case(name, protobuf(METRICS, body), 200, PROTOBUF, Map.of(SESSIONS, 3L), 1);
  }

  private static byte[] metricsWithOneBad(
      java.util.function.Consumer<NumberDataPoint.Builder> spoil) {
    ExportMetricsServiceRequest.Builder request =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.session.count", T, 1)
            .delta("claude_code.session.count", T, 2)
            .delta("claude_code.session.count", T, 40)
            .build()
            .toBuilder();
    spoil.accept(
        request
            .getResourceMetricsBuilder(0)
            .getScopeMetricsBuilder(0)
            .getMetricsBuilder(2)
            .getSumBuilder()
            .getDataPointsBuilder(0));
    return request.build().toByteArray();
  }

  /** PointGate's limit of distinct counters per user-day in one request. */
  private static final int PointGate_MAX = 256;

  private static byte[] toolResults(int tools) {
    OtlpRequests.LogsBuilder logs = OtlpRequests.logs("dev@example.com");
    for (int i = 0; i < tools; i++) {
      logs.event(
          "tool_result", T, "tool_name", String.format("mcp__tool_%03d", i), "success", "true");
    }
    return logs.build().toByteArray();
  }

  private static Map<Counter, Long> firstToolCounters(int count) {
    Map<Counter, Long> counters = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      counters.put(
          Counter.of(CounterFamily.TOOL_SUCCEEDED, String.format("mcp__tool_%03d", i)), 1L);
    }
    return counters;
  }

  @org.junit.jupiter.api.Test
  void wrongSignal_saysWhereToSendIt() {
    ApiResponse logsOnMetrics =
        pipeline.ingest.accept(protobuf(METRICS, prompts(2)).apply(connection));
    ApiResponse metricsOnLogs =
        pipeline.ingest.accept(protobuf(LOGS, sessions(2)).apply(connection));

    assertEquals(
        "body is an OTLP logs request, not metrics; send it to /v1/logs",
        RpcStatus.fromProtobuf(logsOnMetrics.body()).message());
    assertEquals(
        "body is an OTLP metrics request, not logs; send it to /v1/metrics",
        RpcStatus.fromProtobuf(metricsOnLogs.body()).message());
  }

  private static byte[] sessions(int count) {
    return OtlpRequests.metrics("dev@example.com")
        .delta("claude_code.session.count", T, count)
        .build()
        .toByteArray();
  }

  private static byte[] prompts(int count) {
    OtlpRequests.LogsBuilder logs = OtlpRequests.logs("dev@example.com");
    for (int i = 0; i < count; i++) {
      logs.event("user_prompt", T, "prompt_length", "12");
    }
    return logs.build().toByteArray();
  }

  private static String sessionJson(String time, String valueFields) {
    String value = valueFields.substring(1, valueFields.length() - 1);
    return "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":"
        + "\"claude_code.session.count\",\"sum\":{\"aggregationTemporality\":1,"
        + "\"isMonotonic\":true,\"dataPoints\":[{\"timeUnixNano\":"
        + time
        + ",\"attributes\":[{\"key\":\"user.email\",\"value\":{\"stringValue\":"
        + "\"dev@example.com\"}}],"
        + value
        + "}]}}]}]}]}";
  }

  private static String deepAttributeJson(int depth) {
    String value = "{\"stringValue\":\"x\"}";
    for (int i = 0; i < depth; i++) {
      value = "{\"arrayValue\":{\"values\":[" + value + "]}}";
    }
    return "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":"
        + value
        + "}]}}]}";
  }

  private static byte[] invalidUtf8Json() {
    byte[] prefix =
        "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":{\"stringValue\":\""
            .getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "\"}}]}}]}".getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(prefix, prefix.length + 2 + suffix.length);
    body[prefix.length] = (byte) 0xC3; // a lead byte followed by no continuation
    body[prefix.length + 1] = (byte) 0x28;
    System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
    return body;
  }

  /** A resource attribute value "é" with its continuation byte broken (C3 A9 becomes C3 28). */
  private static byte[] invalidUtf8Protobuf() {
    ExportMetricsServiceRequest.Builder request =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.session.count", T, 1)
            .build()
            .toBuilder();
    request
        .getResourceMetricsBuilder(0)
        .getResourceBuilder()
        .addAttributes(attribute("bad", "\u00e9"));
    byte[] body = request.build().toByteArray();
    for (int i = 0; i + 1 < body.length; i++) {
      if (body[i] == (byte) 0xC3 && body[i + 1] == (byte) 0xA9) {
        body[i + 1] = 0x28;
        return body;
      }
    }
    throw new IllegalStateException("no é in the encoded request");
  }

  private static byte[] truncate(byte[] body) {
    return Arrays.copyOf(body, body.length - 3);
  }

  private static byte[] garbage() {
    byte[] bytes = new byte[512];
    new java.util.Random(7).nextBytes(bytes);
    return bytes;
  }

  private static Function<ConnectionAdmin.NewConnection, ApiRequest> protobuf(
      String path, byte[] body) {
    return request(path, PROTOBUF, body, Map.of());
  }

  private static Function<ConnectionAdmin.NewConnection, ApiRequest> json(
      String path, String body) {
    return request(path, JSON, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private static Function<ConnectionAdmin.NewConnection, ApiRequest> gzipped(
      String path, byte[] body) {
    return request(path, PROTOBUF, OtlpRequests.gzip(body), Map.of("content-encoding", "gzip"));
  }

  private static Function<ConnectionAdmin.NewConnection, ApiRequest> request(
      String path, String contentType, byte[] body, Map<String, String> extra) {
    return c -> {
      Map<String, String> headers = new HashMap<>(extra);
      headers.put("content-type", contentType);
      headers.put("authorization", "Bearer " + c.ingestToken().value());
      return new ApiRequest("POST", path, headers, Map.of(), body);
    };
  }

  private static Function<ConnectionAdmin.NewConnection, ApiRequest> with(
      Function<ConnectionAdmin.NewConnection, ApiRequest> base, String header, String value) {
    return c -> {
      ApiRequest request = base.apply(c);
      Map<String, String> headers = new HashMap<>(request.headers());
      headers.put(header, value);
      return new ApiRequest(request.method(), request.path(), headers, Map.of(), request.body());
    };
  }

  private static ApiRequest withAuthorization(ApiRequest request, String value) {
    Map<String, String> headers = new HashMap<>(request.headers());
    if (value == null) {
      headers.remove("authorization");
    } else {
      headers.put("authorization", value);
    }
    return new ApiRequest(request.method(), request.path(), headers, Map.of(), request.body());
  }
}
