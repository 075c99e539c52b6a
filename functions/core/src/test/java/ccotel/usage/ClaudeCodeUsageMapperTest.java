package ccotel.usage;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.otlp.OtlpDecoder;
import ccotel.otlp.OtlpEncoding;
import ccotel.otlp.OtlpJsonDecoder;
import ccotel.otlp.OtlpSignal;
import ccotel.testing.Fixtures;
import ccotel.testing.OtlpRequests;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The mapping of real Claude Code requests and of crafted edge cases, with exact increments. */
class ClaudeCodeUsageMapperTest {

  /** When ingest accepted the requests: the day after the fixtures were captured. */
  static final Instant RECEIVED = Instant.parse("2026-11-25T12:00:00Z");

  private static final LocalDate DAY = LocalDate.parse("2026-11-24");
  private static final UsageKey DEV = new UsageKey(DAY, UserIdentity.email("dev@example.com"));
  private static final String SONNET = "claude-sonnet-4-5-20250929";

  static List<Fixtures.CapturedRequest> allRequests() {
    List<Fixtures.CapturedRequest> all = new ArrayList<>();
    Fixtures.scenarios().forEach(s -> all.addAll(Fixtures.requests(s)));
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allRequests")
  void everyCapturedRequest_mapsWithoutRejections(Fixtures.CapturedRequest request)
      throws Exception {
    UsageObservations observations = map(decode(request));

    assertEquals(0, observations.rejected(), observations.rejectReason());
  }

  @Test
  void protobufDeltaMetrics_0003_mapToExactIncrements() throws Exception {
    UsageObservations observations = map(decode(request("protobuf-delta", "0003-metrics")));

    UsageTally expected = new UsageTally();
    expected.add(DEV, Counter.of(CounterFamily.LINES_ADDED), 11);
    expected.add(DEV, Counter.of(CounterFamily.METRIC_COST_NANO_USD, SONNET), 61_590_750);
    expected.add(DEV, Counter.of(CounterFamily.METRIC_INPUT_TOKENS, SONNET), 4);
    expected.add(DEV, Counter.of(CounterFamily.METRIC_OUTPUT_TOKENS, SONNET), 137);
    expected.add(DEV, Counter.of(CounterFamily.METRIC_CACHE_CREATION_TOKENS, SONNET), 15_873);
    expected.add(DEV, Counter.of(CounterFamily.METRIC_POINTS, SONNET), 5);
    expected.add(DEV, Counter.of(CounterFamily.EDIT_ACCEPTED, "Write"), 1);
    expected.add(
        DEV,
        Counter.of(CounterFamily.TERMINAL_METRIC_COST_NANO_USD, "non-interactive", SONNET),
        61_590_750);
    // The capture's department=eng resource attribute, once per point that counted something.
    expected.add(DEV, Labels.counter(Labels.DEPARTMENT, "eng"), 7);
    assertEquals(expected, observations.deltas());
    assertEquals(List.of(), observations.cumulativePoints());
  }

  @Test
  void protobufDeltaLogs_0004_mapToExactIncrements() throws Exception {
    UsageObservations observations = map(decode(request("protobuf-delta", "0004-logs")));

    UsageTally expected = new UsageTally();
    expected.add(DEV, Counter.of(CounterFamily.API_REQUESTS, SONNET), 1);
    expected.add(DEV, Counter.of(CounterFamily.EVENT_INPUT_TOKENS, SONNET), 4);
    expected.add(DEV, Counter.of(CounterFamily.EVENT_OUTPUT_TOKENS, SONNET), 137);
    expected.add(DEV, Counter.of(CounterFamily.EVENT_CACHE_CREATION_TOKENS, SONNET), 15_873);
    expected.add(DEV, Counter.of(CounterFamily.EVENT_COST_NANO_USD, SONNET), 61_590_750);
    expected.add(DEV, Counter.of(CounterFamily.TOOL_ACCEPTED, "Write"), 1);
    expected.add(DEV, Counter.of(CounterFamily.TOOL_SUCCEEDED, "Write"), 1);
    expected.add(
        DEV,
        Counter.of(CounterFamily.TERMINAL_EVENT_COST_NANO_USD, "non-interactive", SONNET),
        61_590_750);
    expected.add(DEV, Labels.counter(Labels.DEPARTMENT, "eng"), 3); // once per counted record
    assertEquals(expected, observations.deltas());
  }

  @Test
  void cumulativeMetrics_areHandedOnWithSeriesIdentity() throws Exception {
    UsageObservations observations = map(decode(request("protobuf-cumulative", "0010-metrics")));

    assertEquals(14, observations.cumulativePoints().size());
    assertEquals(
        14,
        observations.cumulativePoints().stream().map(CumulativePoint::series).distinct().count());
    CumulativePoint sessions =
        observations.cumulativePoints().stream()
            .filter(p -> p.counter().equals(Counter.of(CounterFamily.SESSIONS)))
            .findFirst()
            .orElseThrow();
    assertEquals(1, sessions.value());
    assertEquals(DEV, sessions.key());
  }

  /** Protobuf bodies and their OTLP/JSON rendering (decoded/) must give identical increments. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("allRequests")
  void protobufAndJsonOfTheSameRequest_giveIdenticalIncrements(Fixtures.CapturedRequest request)
      throws Exception {
    if (!request.contentType().contains("protobuf")) {
      return; // JSON captures have no protobuf twin
    }
    byte[] json = Fixtures.decoded(request.scenario(), request.name());
    Message fromJson =
        request.signal() == OtlpSignal.METRICS
            ? OtlpJsonDecoder.decodeMetrics(json)
            : OtlpJsonDecoder.decodeLogs(json);

    UsageObservations protobuf = map(decode(request));
    UsageObservations fromJsonObservations = map(fromJson);
    assertEquals(protobuf.deltas(), fromJsonObservations.deltas());
    assertEquals(protobuf.cumulativePoints(), fromJsonObservations.cumulativePoints());
  }

  @Test
  void userPrecedence_pointEmailThenResourceEmailThenAccountThenUserId() {
    long t = nanos("2026-11-24T10:00:00Z");
    ExportMetricsServiceRequest pointEmail =
        OtlpRequests.metrics(" Dev@Example.COM ")
            .resource("user.email", "other@example.com")
            .delta("claude_code.session.count", t, 1)
            .build();
    ExportMetricsServiceRequest resourceEmail =
        OtlpRequests.metrics(null)
            .resource("user.email", "res@example.com")
            .resource("user.id", "id-1")
            .delta("claude_code.session.count", t, 1)
            .build();
    ExportMetricsServiceRequest account =
        OtlpRequests.metrics(null)
            .resource("user.account_uuid", "uuid-1")
            .resource("user.id", "id-1")
            .delta("claude_code.session.count", t, 1)
            .build();
    ExportMetricsServiceRequest id =
        OtlpRequests.metrics(null)
            .resource("user.id", "id-1")
            .delta("claude_code.session.count", t, 1)
            .build();

    assertEquals(UserIdentity.email("dev@example.com"), onlyUser(pointEmail));
    assertEquals(UserIdentity.email("res@example.com"), onlyUser(resourceEmail));
    assertEquals(UserIdentity.accountUuid("uuid-1"), onlyUser(account));
    assertEquals(UserIdentity.userId("id-1"), onlyUser(id));
  }

  @Test
  void dayIsTheUtcDateOfThePoint() {
    ExportMetricsServiceRequest request =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.commit.count", nanos("2026-11-24T23:59:59.999999999Z"), 1)
            .delta("claude_code.commit.count", nanos("2026-11-25T00:00:00Z"), 2)
            .build();

    UsageTally deltas = ClaudeCodeUsageMapper.map(request, RECEIVED).deltas();

    UserIdentity dev = UserIdentity.email("dev@example.com");
    Counter commits = Counter.of(CounterFamily.COMMITS);
    assertEquals(1, deltas.get(new UsageKey(DAY, dev), commits));
    assertEquals(2, deltas.get(new UsageKey(DAY.plusDays(1), dev), commits));
  }

  @Test
  void unusableValues_areRejectedAndCounted_notCounted() {
    long t = nanos("2026-11-24T10:00:00Z");
    ExportMetricsServiceRequest request =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.commit.count", t, Double.NaN)
            .delta("claude_code.commit.count", t, -1)
            .delta("claude_code.commit.count", t, Double.POSITIVE_INFINITY)
            .delta("claude_code.commit.count", 0, 1)
            .delta("claude_code.commit.count", t, 3)
            .delta("some.other.metric", t, 5)
            .build();

    UsageObservations observations = ClaudeCodeUsageMapper.map(request, RECEIVED);

    assertEquals(4, observations.rejected());
    assertTrue(observations.rejectReason().startsWith("claude_code.commit.count: "));
    assertEquals(3, observations.deltas().get(DEV, Counter.of(CounterFamily.COMMITS)));
  }

  /** The JSON decoder skips histogram points but keeps the kind: the rejection is the same. */
  @Test
  void aClaudeCodeHistogram_isRejectedByItsKind_inProtobufAndJson() throws Exception {
    ExportMetricsServiceRequest histogram =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder()
                            .addMetrics(
                                io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
                                    .setName("claude_code.cost.usage")
                                    .setHistogram(
                                        io.opentelemetry.proto.metrics.v1.Histogram.newBuilder()
                                            .addDataPoints(
                                                io.opentelemetry.proto.metrics.v1.HistogramDataPoint
                                                    .newBuilder()
                                                    .setCount(2)
                                                    .setSum(0.5))))))
            .build();
    byte[] json =
        com.google.protobuf.util.JsonFormat.printer()
            .print(histogram)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    for (ExportMetricsServiceRequest request :
        List.of(
            OtlpDecoder.decodeMetrics(OtlpEncoding.PROTOBUF, histogram.toByteArray()),
            OtlpDecoder.decodeMetrics(OtlpEncoding.JSON, json))) {
      UsageObservations observations = ClaudeCodeUsageMapper.map(request, RECEIVED);

      assertEquals(1, observations.rejected());
      assertEquals(
          "claude_code.cost.usage: expected a Sum, got HISTOGRAM", observations.rejectReason());
      assertTrue(observations.deltas().isEmpty());
    }
  }

  @Test
  void aPointWithoutValue_isRejected_notReadAsZero_inProtobufAndJson() throws Exception {
    long t = nanos("2026-11-24T10:00:00Z");
    ExportMetricsServiceRequest.Builder withoutValue =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.commit.count", t, 7)
            .delta("claude_code.commit.count", t, 3)
            .build()
            .toBuilder();
    withoutValue
        .getResourceMetricsBuilder(0)
        .getScopeMetricsBuilder(0)
        .getMetricsBuilder(0)
        .getSumBuilder()
        .getDataPointsBuilder(0)
        .clearValue();
    byte[] json =
        ("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":"
                + "\"claude_code.commit.count\",\"sum\":{\"aggregationTemporality\":1,"
                + "\"isMonotonic\":true,\"dataPoints\":["
                + "{\"timeUnixNano\":\""
                + t
                + "\",\"attributes\":[{\"key\":\"user.email\",\"value\":{\"stringValue\":"
                + "\"dev@example.com\"}}]},"
                + "{\"timeUnixNano\":\""
                + t
                + "\",\"asInt\":\"3\",\"attributes\":[{\"key\":\"user.email\",\"value\":"
                + "{\"stringValue\":\"dev@example.com\"}}]}]}}]}]}]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    for (ExportMetricsServiceRequest request :
        List.of(
            OtlpDecoder.decodeMetrics(OtlpEncoding.PROTOBUF, withoutValue.build().toByteArray()),
            OtlpDecoder.decodeMetrics(OtlpEncoding.JSON, json))) {
      UsageObservations observations = ClaudeCodeUsageMapper.map(request, RECEIVED);

      assertEquals(1, observations.rejected());
      assertEquals(
          "claude_code.commit.count: data point has no value (asDouble or asInt)",
          observations.rejectReason());
      assertEquals(3, observations.deltas().get(DEV, Counter.of(CounterFamily.COMMITS)));
    }
  }

  @Test
  void asDoubleWithTheWrongWireType_isRejected_notReadAsZero() throws Exception {
    long t = nanos("2026-11-24T10:00:00Z");
    ExportMetricsServiceRequest.Builder request =
        OtlpRequests.metrics("dev@example.com")
            .cumulative("claude_code.commit.count", t - 1, t, 0)
            .build()
            .toBuilder();
    // as_double (field 4) is fixed64; sent as a varint it parses as an unknown field.
    request
        .getResourceMetricsBuilder(0)
        .getScopeMetricsBuilder(0)
        .getMetricsBuilder(0)
        .getSumBuilder()
        .getDataPointsBuilder(0)
        .clearValue()
        .setUnknownFields(
            com.google.protobuf.UnknownFieldSet.newBuilder()
                .addField(
                    4,
                    com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(100).build())
                .build());

    UsageObservations observations =
        ClaudeCodeUsageMapper.map(
            OtlpDecoder.decodeMetrics(OtlpEncoding.PROTOBUF, request.build().toByteArray()),
            RECEIVED);

    assertEquals(1, observations.rejected());
    assertEquals(
        "claude_code.commit.count: data point fields have the wrong wire types",
        observations.rejectReason());
    assertEquals(List.of(), observations.cumulativePoints());
  }

  @Test
  void aNumberAttributeWithTheWrongWireType_rejectsItsRecord() throws Exception {
    long t = nanos("2026-11-24T10:00:00Z");
    ExportLogsServiceRequest.Builder request =
        OtlpRequests.logs("dev@example.com")
            .event("api_request", t, "model", "m", "input_tokens", "5")
            .event("api_request", t, "model", "m", "input_tokens", "7")
            .build()
            .toBuilder();
    var record = request.getResourceLogsBuilder(0).getScopeLogsBuilder(0).getLogRecordsBuilder(0);
    // cost_usd's double_value (field 4, fixed64) sent as a varint: a lost number, not 0.
    record.addAttributes(
        io.opentelemetry.proto.common.v1.KeyValue.newBuilder()
            .setKey("cost_usd")
            .setValue(
                io.opentelemetry.proto.common.v1.AnyValue.newBuilder()
                    .setUnknownFields(
                        com.google.protobuf.UnknownFieldSet.newBuilder()
                            .addField(
                                4,
                                com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                    .addVarint(3)
                                    .build())
                            .build())));

    UsageObservations observations =
        ClaudeCodeUsageMapper.map(
            OtlpDecoder.decodeLogs(OtlpEncoding.PROTOBUF, request.build().toByteArray()), RECEIVED);

    assertEquals(1, observations.rejected());
    assertEquals(
        "claude_code.api_request: attribute fields have the wrong wire types",
        observations.rejectReason());
    assertEquals(
        7, observations.deltas().get(DEV, Counter.of(CounterFamily.EVENT_INPUT_TOKENS, "m")));
  }

  @Test
  void amountsOverTheBound_areRejected_perPointAndPerRequest() {
    long t = nanos("2026-11-24T10:00:00Z");
    Counter input = Counter.of(CounterFamily.METRIC_INPUT_TOKENS, "m");
    ExportMetricsServiceRequest request =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.token.usage", t, 5e18, "type", "input", "model", "m")
            .delta("claude_code.token.usage", t, 6e14, "type", "input", "model", "m")
            .delta("claude_code.token.usage", t, 4e14, "type", "input", "model", "m")
            .delta("claude_code.token.usage", t, 1, "type", "input", "model", "m")
            .build();

    UsageObservations observations = ClaudeCodeUsageMapper.map(request, RECEIVED);

    assertEquals(2, observations.rejected());
    assertEquals(
        "claude_code.token.usage: value 5000000000000000000 (tokens) is over the limit of"
            + " 1000000000000000",
        observations.rejectReason());
    assertEquals(1_000_000_000_000_000L, observations.deltas().get(DEV, input));
    assertEquals(2, observations.deltas().get(DEV, Counter.of(CounterFamily.METRIC_POINTS, "m")));
  }

  @Test
  void eventAmountsOverTheBound_rejectTheirRecord() {
    long t = nanos("2026-11-24T10:00:00Z");
    ExportLogsServiceRequest request =
        OtlpRequests.logs("dev@example.com")
            .event("api_request", t, "model", "m", "cost_usd", "1000001")
            .event("api_request", t, "model", "m", "cost_usd", "2.5")
            .build();

    UsageObservations observations = ClaudeCodeUsageMapper.map(request, RECEIVED);

    assertEquals(1, observations.rejected());
    assertTrue(
        observations.rejectReason().contains("(nano-USD) is over the limit"),
        observations.rejectReason());
    assertEquals(
        2_500_000_000L,
        observations.deltas().get(DEV, Counter.of(CounterFamily.EVENT_COST_NANO_USD, "m")));
    assertEquals(1, observations.deltas().get(DEV, Counter.of(CounterFamily.API_REQUESTS, "m")));
  }

  @Test
  void costIsExactNanoUsd_activeTimeExactMicroseconds() {
    long t = nanos("2026-11-24T10:00:00Z");
    ExportMetricsServiceRequest request =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.cost.usage", t, 0.1 + 0.2, "model", "m") // 0.30000000000000004
            .delta("claude_code.active_time.total", t, 6.333, "type", "cli")
            .build();

    UsageTally deltas = ClaudeCodeUsageMapper.map(request, RECEIVED).deltas();

    assertEquals(
        300_000_000L, deltas.get(DEV, Counter.of(CounterFamily.METRIC_COST_NANO_USD, "m")));
    assertEquals(6_333_000L, deltas.get(DEV, Counter.of(CounterFamily.ACTIVE_MICROS, "cli")));
  }

  @Test
  void promptEvents_countPrompts_butNeverKeepTheirText() {
    ExportLogsServiceRequest request =
        OtlpRequests.logs("dev@example.com")
            .event(
                "user_prompt",
                nanos("2026-11-24T10:00:00Z"),
                "prompt",
                "secret plans",
                "prompt_length",
                "12")
            .event("api_error", nanos("2026-11-24T10:00:01Z"), "model", "m", "error", "overloaded")
            .event(
                "tool_decision",
                nanos("2026-11-24T10:00:02Z"),
                "tool_name",
                "Bash",
                "decision",
                "reject")
            .event(
                "tool_result",
                nanos("2026-11-24T10:00:03Z"),
                "tool_name",
                "Bash",
                "success",
                "false")
            .build();

    UsageTally deltas = ClaudeCodeUsageMapper.map(request, RECEIVED).deltas();

    UsageTally expected = new UsageTally();
    expected.add(DEV, Counter.of(CounterFamily.PROMPTS), 1);
    expected.add(DEV, Counter.of(CounterFamily.API_ERRORS), 1);
    expected.add(DEV, Counter.of(CounterFamily.TOOL_REJECTED, "Bash"), 1);
    expected.add(DEV, Counter.of(CounterFamily.TOOL_FAILED, "Bash"), 1);
    assertEquals(expected, deltas);
    assertTrue(!deltas.toString().contains("secret"));
  }

  @Test
  void counterNames_roundTrip() {
    for (CounterFamily family : CounterFamily.values()) {
      Counter counter =
          family.dimension() == CounterFamily.Dimension.NONE
              ? Counter.of(family)
              : Counter.of(family, "us.anthropic.claude:v1#x");
      assertEquals(counter, Counter.parse(counter.name()).orElseThrow());
    }
    assertEquals(java.util.Optional.empty(), Counter.parse("future.counter:x"));
  }

  private static UserIdentity onlyUser(ExportMetricsServiceRequest request) {
    Map<UsageKey, ?> byKey = ClaudeCodeUsageMapper.map(request, RECEIVED).deltas().byKey();
    assertEquals(1, byKey.size());
    return byKey.keySet().iterator().next().user();
  }

  private static Fixtures.CapturedRequest request(String scenario, String name) {
    return Fixtures.requests(scenario).stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static Message decode(Fixtures.CapturedRequest request) throws Exception {
    byte[] body = request.gzipped() ? gunzip(request.body()) : request.body();
    return OtlpDecoder.decode(
        request.signal(), OtlpEncoding.fromContentType(request.contentType()).orElseThrow(), body);
  }

  private static UsageObservations map(Message request) {
    return request instanceof ExportMetricsServiceRequest metrics
        ? ClaudeCodeUsageMapper.map(metrics, RECEIVED)
        : ClaudeCodeUsageMapper.map((ExportLogsServiceRequest) request, RECEIVED);
  }

  private static byte[] gunzip(byte[] body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }
}
