package ccotel.ingest;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.ConnectionLookup;
import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenStoreUnavailableException;
import ccotel.testing.Fixtures;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.OtlpRequests;
import ccotel.testing.RpcStatus;
import ccotel.usage.CountingProjection;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every status of CONTRACT §1: the request that earns it, the answer's status, its google.rpc code
 * and encoding, and that nothing reached the queue.
 */
class IngestServiceTest {

  private static final String METRICS = "/api/otel/v1/metrics";
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  private InMemoryPipeline pipeline;
  private ConnectionAdmin.NewConnection connection;
  private byte[] metrics;

  @BeforeEach
  void setUp() {
    pipeline = new InMemoryPipeline();
    connection = pipeline.admin.create("test");
    metrics =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.session.count", nanos("2026-11-24T10:00:00Z"), 1)
            .build()
            .toByteArray();
  }

  /** A request description: what to change on a valid protobuf metrics export. */
  private record Case(
      String name, Consumer<RequestBuilder> change, int status, int rpcCode, String encoding) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final class RequestBuilder {
    String method = "POST";
    String path = METRICS;
    Map<String, String> headers = new HashMap<>();
    byte[] body;

    ApiRequest build() {
      return new ApiRequest(method, path, headers, Map.of(), body);
    }
  }

  static Stream<Arguments> rejections() {
    return Stream.of(
            new Case("unknown path", r -> r.path = "/api/otel/v1/traces", 404, 5, PROTOBUF),
            new Case("path outside the API", r -> r.path = "/v1/metrics", 404, 5, PROTOBUF),
            new Case("GET", r -> r.method = "GET", 405, 12, PROTOBUF),
            new Case("PUT", r -> r.method = "PUT", 405, 12, PROTOBUF),
            new Case("no Authorization", r -> r.headers.remove("authorization"), 401, 16, PROTOBUF),
            new Case(
                "Basic scheme",
                r -> r.headers.put("authorization", "Basic dXNlcjpwYXNz"),
                401,
                16,
                PROTOBUF),
            new Case(
                "Bearer without token",
                r -> r.headers.put("authorization", "Bearer "),
                401,
                16,
                PROTOBUF),
            new Case(
                "unknown token",
                r -> r.headers.put("authorization", "Bearer ccotel_ingest_nope"),
                401,
                16,
                PROTOBUF),
            new Case(
                "unknown token, JSON request",
                r -> {
                  r.headers.put("authorization", "Bearer ccotel_ingest_nope");
                  r.headers.put("content-type", JSON);
                },
                401,
                16,
                JSON),
            new Case("text/plain", r -> r.headers.put("content-type", "text/plain"), 415, 3, JSON),
            new Case("no Content-Type", r -> r.headers.remove("content-type"), 415, 3, JSON),
            new Case("brotli", r -> r.headers.put("content-encoding", "br"), 415, 3, PROTOBUF),
            new Case(
                "over the limit",
                r -> r.body = new byte[InMemoryPipeline.MAX_BODY_BYTES + 1],
                413,
                3,
                PROTOBUF),
            new Case(
                "gzip bomb over the limit after decompression",
                r -> {
                  r.headers.put("content-encoding", "gzip");
                  r.body = OtlpRequests.gzip(new byte[InMemoryPipeline.MAX_BODY_BYTES + 1]);
                },
                413,
                3,
                PROTOBUF),
            new Case(
                "invalid gzip",
                r -> {
                  r.headers.put("content-encoding", "gzip");
                  r.body = "not gzip".getBytes(StandardCharsets.UTF_8);
                },
                400,
                3,
                PROTOBUF),
            new Case(
                "gzip with bytes after its end",
                r -> {
                  r.headers.put("content-encoding", "gzip");
                  byte[] gzip = OtlpRequests.gzip(r.body);
                  r.body = Arrays.copyOf(gzip, gzip.length + 7);
                },
                400,
                3,
                PROTOBUF),
            new Case(
                "JSON with a field twice",
                r -> {
                  r.headers.put("content-type", JSON);
                  // {"resourceMetrics": [...], "resourceMetrics": [...]}: both would count.
                  String json = jsonOf(r.body).trim();
                  String resources = json.substring(1, json.length() - 1);
                  r.body =
                      ("{" + resources + "," + resources + "}").getBytes(StandardCharsets.UTF_8);
                },
                400,
                3,
                JSON),
            new Case(
                "truncated protobuf",
                r -> r.body = Arrays.copyOf(r.body, r.body.length - 3),
                400,
                3,
                PROTOBUF),
            new Case(
                "JSON that is not OTLP",
                r -> {
                  r.headers.put("content-type", JSON);
                  r.body = "{\"resourceMetrics\": 7}".getBytes(StandardCharsets.UTF_8);
                },
                400,
                3,
                JSON),
            new Case(
                "truncated JSON",
                r -> {
                  r.headers.put("content-type", JSON);
                  r.body = "{\"resourceMetrics\": [".getBytes(StandardCharsets.UTF_8);
                },
                400,
                3,
                JSON))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void rejection_answersStatusInRequestEncoding_andQueuesNothing(Case rejection) {
    RequestBuilder request = valid();
    rejection.change.accept(request);

    ApiResponse answer = send(request);

    assertEquals(rejection.status, answer.status(), answer.bodyText());
    assertEquals(rejection.encoding, answer.headers().get("Content-Type"));
    RpcStatus status =
        rejection.encoding.equals(PROTOBUF)
            ? RpcStatus.fromProtobuf(answer.body())
            : RpcStatus.fromJson(answer.body());
    assertEquals(rejection.rpcCode, status.code());
    assertTrue(!status.message().isBlank(), "a message a user can act on");
    assertEquals(0, pipeline.queue.size());
  }

  @Test
  void unknownToken_asksForBearer() {
    RequestBuilder request = valid();
    request.headers.put("authorization", "Bearer ccotel_ingest_nope");
    assertEquals("Bearer", send(request).headers().get("WWW-Authenticate"));
  }

  @Test
  void wrongMethod_saysWhichIsAllowed() {
    RequestBuilder request = valid();
    request.method = "GET";
    assertEquals("POST", send(request).headers().get("Allow"));
  }

  @Test
  void readToken_isForbidden() {
    RequestBuilder request = valid();
    request.headers.put("authorization", "Bearer " + connection.readToken().value());

    ApiResponse answer = send(request);

    assertEquals(403, answer.status());
    assertEquals(7, RpcStatus.fromProtobuf(answer.body()).code());
    assertEquals(0, pipeline.queue.size());
  }

  @Test
  void revokedToken_isUnauthenticated() throws Exception {
    pipeline.admin.revoke(connection.connection().id(), connection.ingestToken().value());

    assertEquals(401, send(valid()).status());
    assertEquals(0, pipeline.queue.size());
  }

  @Test
  void queueDown_answers503WithRetryAfter_andTheRetryIsQueuedOnce() {
    pipeline.queue.setDown(true);

    ApiResponse answer = send(valid());

    assertEquals(503, answer.status());
    assertEquals("5", answer.headers().get("Retry-After"));
    assertEquals(14, RpcStatus.fromProtobuf(answer.body()).code());
    assertEquals(0, pipeline.queue.size());

    pipeline.queue.setDown(false);
    assertEquals(200, send(valid()).status());
    assertEquals(1, pipeline.queue.size());
  }

  @Test
  void tokenStoreDown_answers503WithRetryAfter() {
    ConnectionLookup down =
        hash -> {
          throw new TokenStoreUnavailableException("down (test)", null);
        };
    IngestService ingest =
        new IngestService(new TokenAuthorizer(down), pipeline.queue, InMemoryPipeline.CLOCK, 1024);

    ApiResponse answer = ingest.accept(valid().build());

    assertEquals(503, answer.status());
    assertEquals("5", answer.headers().get("Retry-After"));
    assertEquals(0, pipeline.queue.size());
  }

  @Test
  void protobuf_isAcceptedWithAnEmptyProtobufResponse() throws Exception {
    ApiResponse answer = send(valid());

    assertEquals(200, answer.status());
    assertEquals(PROTOBUF, answer.headers().get("Content-Type"));
    assertEquals(
        ExportMetricsServiceResponse.getDefaultInstance(),
        ExportMetricsServiceResponse.parseFrom(answer.body()));
    assertEquals(1, pipeline.queue.size());
  }

  @Test
  void spellingsOfHeaders_areAccepted() throws Exception {
    RequestBuilder request = valid();
    request.headers.put("content-type", "Application/X-Protobuf; charset=utf-8");
    request.headers.put("authorization", "bearer " + connection.ingestToken().value());
    request.headers.put("content-encoding", "GZIP");
    request.body = OtlpRequests.gzip(request.body);

    assertEquals(200, send(request).status());
    QueuedExport queued = pipeline.queue.drain().get(0);
    assertEquals(connection.connection().id(), queued.connectionId());
    assertTrue(
        Arrays.equals(
            CountingProjection.of(ExportMetricsServiceRequest.parseFrom(metrics)).toByteArray(),
            queued.protobufBody()),
        "queued as what counting needs of the decompressed protobuf");
  }

  @Test
  void gzippedRetryOfTheSameBody_hasTheSameDeliveryId() {
    send(valid());
    RequestBuilder gzipped = valid();
    gzipped.headers.put("content-encoding", "gzip");
    gzipped.body = OtlpRequests.gzip(gzipped.body);
    send(gzipped);

    var queued = pipeline.queue.drain();
    assertEquals(queued.get(0).deliveryId(), queued.get(1).deliveryId());
  }

  @Test
  void json_isAcceptedWithAJsonResponse_andQueuedAsProtobuf() throws Exception {
    Fixtures.CapturedRequest captured = Fixtures.requests("json-delta").get(1);
    ApiResponse answer = pipeline.send(captured, connection.ingestToken().value());

    assertEquals(200, answer.status(), answer.bodyText());
    assertEquals(JSON, answer.headers().get("Content-Type"));
    assertEquals("{}", answer.bodyText());
    QueuedExport queued = pipeline.queue.drain().get(0);
    // protobuf-java's own JSON parser is the oracle, not the decoder under test.
    ExportMetricsServiceRequest.Builder oracle = ExportMetricsServiceRequest.newBuilder();
    com.google.protobuf.util.JsonFormat.parser()
        .ignoringUnknownFields()
        .merge(new String(captured.body(), StandardCharsets.UTF_8), oracle);
    assertEquals(
        CountingProjection.of(oracle.build()),
        ExportMetricsServiceRequest.parseFrom(queued.protobufBody()));
  }

  @Test
  void pointsWithoutAUser_areReportedInPartialSuccess() throws Exception {
    RequestBuilder request = valid();
    request.body =
        OtlpRequests.metrics(null)
            .delta("claude_code.session.count", nanos("2026-11-24T10:00:00Z"), 1)
            .delta("claude_code.commit.count", nanos("2026-11-24T10:00:00Z"), 1)
            .build()
            .toByteArray();

    ApiResponse answer = send(request);

    assertEquals(200, answer.status());
    var partial = ExportMetricsServiceResponse.parseFrom(answer.body()).getPartialSuccess();
    assertEquals(2, partial.getRejectedDataPoints());
    assertTrue(partial.getErrorMessage().contains("user.email"), partial.getErrorMessage());
    assertEquals(0, pipeline.queue.size(), "nothing countable, nothing queued");
  }

  @Test
  void pointsOverTheValueBound_areRejectedInPartialSuccess_notAnsweredWithARetryableStatus()
      throws Exception {
    long t = nanos("2026-11-24T10:00:00Z");
    RequestBuilder request = valid();
    request.body =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.token.usage", t, 5e18, "type", "input", "model", "m")
            .delta("claude_code.token.usage", t, 5e18, "type", "input", "model", "m")
            .delta("claude_code.token.usage", t, 7e14, "type", "output", "model", "m")
            .delta("claude_code.token.usage", t, 7e14, "type", "output", "model", "m")
            .build()
            .toByteArray();

    ApiResponse answer = send(request);

    assertEquals(200, answer.status());
    var partial = ExportMetricsServiceResponse.parseFrom(answer.body()).getPartialSuccess();
    assertEquals(3, partial.getRejectedDataPoints());
    assertEquals(
        "claude_code.token.usage: value 5000000000000000000 (tokens) is over the limit of"
            + " 1000000000000000",
        partial.getErrorMessage());
    assertEquals(1, pipeline.queue.size(), "the point within the bound is queued");
  }

  @Test
  void aRecordRejectedAtIngest_isNotCountedWhenTrimmedToFitTheQueue() throws Exception {
    long time = nanos("2026-11-24T10:00:00Z");
    String longEmail = "a".repeat(5000) + "@example.com";
    String huge = "x".repeat(800 * 1024); // only trimming makes this record fit a message
    byte[] body =
        OtlpRequests.logs(null)
            .event("tool_result", time, "user.email", "dev@example.com", "tool_name", "Bash")
            .event("tool_result", time, "user.email", longEmail, "success", huge)
            .event(
                "tool_result",
                time,
                "user.email",
                "dev@example.com",
                "user.id",
                "i".repeat(5000),
                "tool_name",
                "Bash",
                "success",
                huge)
            .build()
            .toByteArray();
    RequestBuilder request = valid();
    request.path = "/api/otel/v1/logs";
    request.body = body;

    ApiResponse answer = send(request);

    assertEquals(200, answer.status());
    var partial =
        io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse.parseFrom(answer.body())
            .getPartialSuccess();
    assertEquals(1, partial.getRejectedLogRecords());
    pipeline.aggregateQueued();
    ApiResponse usage =
        pipeline.query(connection.readToken().value(), Map.of("starting_at", "2026-11-24"));
    var data = ccotel.testing.Json.read(usage.body()).get("data");
    assertEquals(1, data.size(), usage.bodyText());
    assertEquals("dev@example.com", data.get(0).get("actor").get("email_address").asText());
    assertEquals(
        2, data.get(0).get("ccotel").get("tool_results").get("Bash").get("failed").asInt());
  }

  private static String jsonOf(byte[] protobufMetrics) {
    try {
      return com.google.protobuf.util.JsonFormat.printer()
          .print(ExportMetricsServiceRequest.parseFrom(protobufMetrics));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private RequestBuilder valid() {
    RequestBuilder request = new RequestBuilder();
    request.headers.put("content-type", PROTOBUF);
    request.headers.put("authorization", "Bearer " + connection.ingestToken().value());
    request.body = metrics.clone();
    return request;
  }

  private ApiResponse send(RequestBuilder request) {
    return pipeline.ingest.accept(request.build());
  }
}
