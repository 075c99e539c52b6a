package ccotel.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.Fixtures;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Our OTLP/JSON decoder against the protobuf bodies and protobuf-java's JsonFormat as oracles. */
class OtlpJsonDecoderTest {

  static List<Fixtures.CapturedRequest> protobufRequests() {
    List<Fixtures.CapturedRequest> requests = new ArrayList<>();
    for (String scenario : Fixtures.scenarios()) {
      for (Fixtures.CapturedRequest request : Fixtures.requests(scenario)) {
        if (request.contentType().contains("protobuf")) {
          requests.add(request);
        }
      }
    }
    return requests;
  }

  static List<Fixtures.CapturedRequest> jsonRequests() {
    return Fixtures.requests("json-delta");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protobufRequests")
  void decodedRendering_equalsTheProtobufBody(Fixtures.CapturedRequest request) throws Exception {
    byte[] protobuf = request.gzipped() ? gunzip(request.body()) : request.body();
    byte[] json = Fixtures.decoded(request.scenario(), request.name());

    assertEquals(
        OtlpDecoder.decode(request.signal(), OtlpEncoding.PROTOBUF, protobuf),
        OtlpDecoder.decode(request.signal(), OtlpEncoding.JSON, json));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonRequests")
  void realJsonBodies_equalJsonFormatsReading(Fixtures.CapturedRequest request) throws Exception {
    Message ours = OtlpDecoder.decode(request.signal(), OtlpEncoding.JSON, request.body());

    Message.Builder oracle =
        request.signal() == OtlpSignal.METRICS
            ? ExportMetricsServiceRequest.newBuilder()
            : ExportLogsServiceRequest.newBuilder();
    JsonFormat.parser()
        .ignoringUnknownFields()
        .merge(new String(request.body(), StandardCharsets.UTF_8), oracle);
    assertEquals(oracle.build(), ours); // Claude Code's records carry no trace ids
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protobufRequests")
  void jsonFormatsRendering_roundTrips(Fixtures.CapturedRequest request) throws Exception {
    byte[] protobuf = request.gzipped() ? gunzip(request.body()) : request.body();
    Message original = OtlpDecoder.decode(request.signal(), OtlpEncoding.PROTOBUF, protobuf);
    // JsonFormat writes int64 as strings and enums as names; no ids are set here to be misread.
    byte[] json = JsonFormat.printer().print(original).getBytes(StandardCharsets.UTF_8);

    assertEquals(original, OtlpDecoder.decode(request.signal(), OtlpEncoding.JSON, json));
  }

  @Test
  void traceAndSpanIds_areHex() throws Exception {
    ExportLogsServiceRequest request =
        decodeLogs(
            "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{"
                + "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\"}]}]}]}");

    LogRecord record = request.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertEquals(hex("5b8efff798038103d269b633813fc60c"), record.getTraceId());
    assertEquals(hex("eee19b7ec3c1b174"), record.getSpanId());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "number | 1795528960738000000 | 1795528960738000000",
        "string | \"1795528960738000000\" | 1795528960738000000",
        "above Long.MAX_VALUE | \"18446744073709551615\" | -1",
        "exponent | 1.0e3 | 1000"
      })
  void uint64_acceptsEveryForm(String name, String json, long expected) throws Exception {
    assertEquals(expected, onlyPoint("\"timeUnixNano\":" + json).getTimeUnixNano());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "number | 1.5 | 1.5",
        "integer | 7 | 7",
        "string | \"2.25\" | 2.25",
        "NaN | \"NaN\" | NaN",
        "Infinity | \"Infinity\" | Infinity",
        "-Infinity | \"-Infinity\" | -Infinity"
      })
  void doubles_acceptEveryForm(String name, String json, double expected) throws Exception {
    assertEquals(expected, onlyPoint("\"asDouble\":" + json).getAsDouble());
  }

  @Test
  void enums_byNameOrNumber_unknownNumbersKept() throws Exception {
    assertEquals(
        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
        sum("\"aggregationTemporality\":\"AGGREGATION_TEMPORALITY_CUMULATIVE\"")
            .getAggregationTemporality());
    assertEquals(
        AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA,
        sum("\"aggregationTemporality\":1").getAggregationTemporality());
    assertEquals(7, sum("\"aggregationTemporality\":7").getAggregationTemporalityValue());
  }

  @Test
  void unknownFieldsAtEveryLevel_snakeCaseNames_andNulls_areAccepted() throws Exception {
    ExportMetricsServiceRequest request =
        decodeMetrics(
            "{\"future\":{\"a\":[1,{\"b\":null}]},\"resource_metrics\":[{\"x\":1,\"resource\":null,"
                + "\"scope_metrics\":[{\"scope\":{\"name\":\"s\",\"y\":[]},\"metrics\":[{\"name\":\"m\","
                + "\"unit\":null,\"z\":\"q\",\"sum\":{\"is_monotonic\":true,\"data_points\":[{"
                + "\"time_unix_nano\":\"5\",\"as_int\":\"-3\",\"w\":{}}]}}]}]}]}");

    var metric = request.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
    assertEquals("s", request.getResourceMetrics(0).getScopeMetrics(0).getScope().getName());
    assertEquals("m", metric.getName());
    assertTrue(metric.getSum().getIsMonotonic());
    assertEquals(5, metric.getSum().getDataPoints(0).getTimeUnixNano());
    assertEquals(-3, metric.getSum().getDataPoints(0).getAsInt());
  }

  /** JSON numbers read to the very double Double.parseDouble gives (costs are billed). */
  @Test
  void doubles_areCorrectlyRounded() throws Exception {
    List<String> texts =
        new ArrayList<>(
            List.of(
                "0.0012419999999999998",
                "0.1",
                "2.2250738585072011e-308",
                "4.9e-324",
                "1.7976931348623157e308",
                "9007199254740993",
                "0.30000000000000004",
                "123456789012345678901234567890.5"));
    java.util.Random random = new java.util.Random(6);
    for (int i = 0; i < 2_000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(value)) {
        texts.add(Double.toString(value));
        texts.add(String.format(java.util.Locale.ROOT, "%.17g", value).trim());
      }
      texts.add(Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(12))));
    }
    StringBuilder points = new StringBuilder();
    for (String text : texts) {
      points
          .append(points.length() == 0 ? "" : ",")
          .append("{\"asDouble\":")
          .append(text)
          .append('}');
    }

    List<NumberDataPoint> decoded = sum("\"dataPoints\":[" + points + "]").getDataPointsList();

    for (int i = 0; i < texts.size(); i++) {
      assertEquals(
          Double.doubleToRawLongBits(Double.parseDouble(texts.get(i))),
          Double.doubleToRawLongBits(decoded.get(i).getAsDouble()),
          texts.get(i));
    }
  }

  /**
   * Records that repeat and vary the previous record's attributes each read as they do alone in a
   * request. (Two fields of AnyValue's oneof: the last one wins, as protobuf's binary parsing does;
   * JsonFormat refuses them.)
   */
  @Test
  void repeatedAttributes_everyChangeIsRead() throws Exception {
    List<String> records =
        List.of(
            record(
                "{\"key\":\"k1\",\"value\":{\"stringValue\":\"a\"}}",
                "{\"key\":\"k2\",\"value\":{\"boolValue\":true}}",
                "{\"key\":\"k3\",\"value\":{\"stringValue\":\"x\"}}"),
            record(
                "{\"key\":\"k1\",\"value\":{\"stringValue\":\"a\"}}",
                "{\"key\":\"k2\",\"value\":{\"boolValue\":false}}",
                "{\"key\":\"k3\",\"value\":{\"stringValue\":\"x\",\"intValue\":\"5\"}}"),
            record(
                "{\"key\":\"k1\",\"value\":{\"intValue\":\"1\",\"stringValue\":\"a\"}}",
                "{\"key\":\"k2b\",\"value\":{\"boolValue\":false}}",
                "{\"key\":\"k3\"}",
                "{\"key\":\"k4\",\"value\":{\"stringValue\":\"\"}}"),
            record(
                "{\"value\":{\"stringValue\":\"a\"},\"key\":\"k1\"}",
                "{\"key\":\"k2b\",\"value\":{\"boolValue\":false,\"x\":1}}",
                "{\"key\":\"k3\",\"value\":null}",
                "{\"key\":\"k4\",\"value\":{\"stringValue\":\"\\u00e9\"}}"),
            record(
                "{\"key\":\"k1\",\"value\":{\"stringValue\":\"a\"}}",
                "{\"key\":\"k2b\",\"value\":{\"boolValue\":false}}",
                "{\"key\":\"k3\",\"value\":{\"stringValue\":null,\"boolValue\":true}}"));

    var decoded = logRecords(decodeLogs(logs(String.join(",", records))));

    for (int i = 0; i < records.size(); i++) {
      assertEquals(logRecords(decodeLogs(logs(records.get(i)))).get(0), decoded.get(i), "#" + i);
    }
    assertEquals(
        AnyValue.newBuilder().setIntValue(5).build(), decoded.get(1).getAttributes(2).getValue());
    assertEquals("a", decoded.get(2).getAttributes(0).getValue().getStringValue());
    assertEquals("é", decoded.get(3).getAttributes(3).getValue().getStringValue());
    assertTrue(decoded.get(4).getAttributes(2).getValue().getBoolValue());
  }

  /** Kinds ccotel never counts are read as JSON, not built: the metric keeps only its kind. */
  @Test
  void neverCountedKinds_keepTheirKindWithoutPoints_andExemplarsAreLeftOut() throws Exception {
    String point =
        "{\"timeUnixNano\":\"5\",\"count\":\"3\",\"bucketCounts\":[\"1\",\"2\"],"
            + "\"exemplars\":[{\"asDouble\":1.5,\"spanId\":\"eee19b7ec3c1b174\"}]}";
    var metrics =
        decodeMetrics(
                "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":["
                    + "{\"name\":\"h\",\"histogram\":{\"dataPoints\":["
                    + point
                    + "]}},{\"name\":\"e\",\"exponentialHistogram\":{\"dataPoints\":["
                    + point
                    + "]}},{\"name\":\"q\",\"summary\":{\"dataPoints\":["
                    + point
                    + "]}},{\"name\":\"s\",\"sum\":{\"dataPoints\":["
                    + "{\"asInt\":\"2\",\"exemplars\":[{\"asInt\":\"1\"}]}]}}]}]}]}")
            .getResourceMetrics(0)
            .getScopeMetrics(0)
            .getMetricsList();

    assertEquals(
        List.of(
            Metric.newBuilder().setName("h").setHistogram(Histogram.getDefaultInstance()).build(),
            Metric.newBuilder()
                .setName("e")
                .setExponentialHistogram(ExponentialHistogram.getDefaultInstance())
                .build(),
            Metric.newBuilder().setName("q").setSummary(Summary.getDefaultInstance()).build(),
            Metric.newBuilder()
                .setName("s")
                .setSum(Sum.newBuilder().addDataPoints(NumberDataPoint.newBuilder().setAsInt(2)))
                .build()),
        metrics);
  }

  /** Skipped is not unchecked: what would refuse the body elsewhere refuses it there too. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "histogram not an object | {\"histogram\":5} | metrics[0].histogram: expected an object",
        "summary an array | {\"summary\":[]} | metrics[0].summary: expected an object",
        "repeated field in a histogram point"
            + " | {\"histogram\":{\"dataPoints\":[{\"count\":\"1\",\"count\":\"2\"}]}}"
            + " | Duplicate field 'count'",
        "invalid JSON in an exemplar"
            + " | {\"sum\":{\"dataPoints\":[{\"exemplars\":[{\"asInt\":01}]}]}}"
            + " | exemplars[0].asInt",
      })
  void neverCountedKinds_areStillChecked(String name, String metric, String message) {
    MalformedOtlpException e =
        assertThrows(
            MalformedOtlpException.class,
            () ->
                decodeMetrics(
                    "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[" + metric + "]}]}]}"));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  private static String logs(String records) {
    return "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[" + records + "]}]}]}";
  }

  private static List<io.opentelemetry.proto.logs.v1.LogRecord> logRecords(
      ExportLogsServiceRequest request) {
    return request.getResourceLogs(0).getScopeLogs(0).getLogRecordsList();
  }

  private static String record(String... attributes) {
    return "{\"attributes\":[" + String.join(",", attributes) + "]}";
  }

  @Test
  void emptyObject_isAnEmptyRequest() throws Exception {
    assertEquals(ExportMetricsServiceRequest.getDefaultInstance(), decodeMetrics("{}"));
  }

  @Test
  void everyAnyValueKind() throws Exception {
    ExportLogsServiceRequest request =
        decodeLogs(
            "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"kvlistValue\":{\"values\":["
                + "{\"key\":\"s\",\"value\":{\"stringValue\":\"x\"}},"
                + "{\"key\":\"b\",\"value\":{\"boolValue\":true}},"
                + "{\"key\":\"i\",\"value\":{\"intValue\":\"-9\"}},"
                + "{\"key\":\"d\",\"value\":{\"doubleValue\":0.5}},"
                + "{\"key\":\"y\",\"value\":{\"bytesValue\":\"AQID\"}},"
                + "{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":[{\"intValue\":1},{\"stringValue\":\"z\"}]}}}"
                + "]}}}]}]}]}");

    var values =
        request
            .getResourceLogs(0)
            .getScopeLogs(0)
            .getLogRecords(0)
            .getBody()
            .getKvlistValue()
            .getValuesList();
    assertEquals("x", values.get(0).getValue().getStringValue());
    assertTrue(values.get(1).getValue().getBoolValue());
    assertEquals(-9, values.get(2).getValue().getIntValue());
    assertEquals(0.5, values.get(3).getValue().getDoubleValue());
    assertEquals(
        ByteString.copyFrom(new byte[] {1, 2, 3}), values.get(4).getValue().getBytesValue());
    assertEquals(
        List.of(
            AnyValue.newBuilder().setIntValue(1).build(),
            AnyValue.newBuilder().setStringValue("z").build()),
        values.get(5).getValue().getArrayValue().getValuesList());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "truncated | {\"resourceMetrics\":[{ | resourceMetrics[0]",
        "top-level array | [1,2] | top level",
        "trailing garbage | {} x | top level",
        "number field with text | {\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"sum\":{\"dataPoints\":[{\"asDouble\":\"abc\"}]}}]}]}]} | resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].asDouble",
        "object for an array | {\"resourceMetrics\":{}} | resourceMetrics",
        "unknown enum name | {\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"sum\":{\"aggregationTemporality\":\"SOMETIMES\"}}]}]}]} | aggregationTemporality",
        "string for a bool | {\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"sum\":{\"isMonotonic\":\"yes\"}}]}]}]} | isMonotonic",
        "int64 out of range | {\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"sum\":{\"dataPoints\":[{\"asInt\":\"9223372036854775808\"}]}}]}]}]} | asInt",
        "not JSON | hello | top level"
      })
  void malformedBodies_areRejectedWithTheirPlace(String name, String json, String where) {
    MalformedOtlpException e =
        assertThrows(MalformedOtlpException.class, () -> decodeMetrics(json));
    assertTrue(e.getMessage().contains(where), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "two resourceMetrics arrays | {\"resourceMetrics\":[],\"resourceMetrics\":[]}"
            + " | Duplicate field 'resourceMetrics'",
        "proto name, then JSON name | {\"resource_metrics\":[],\"resourceMetrics\":[]}"
            + " | Duplicate field 'resourceMetrics'",
        "JSON name, then proto name | {\"resourceMetrics\":[],\"resource_metrics\":[]}"
            + " | field 'resource_metrics' repeats 'resourceMetrics'",
        "a repeat set to null | {\"resourceMetrics\":null,\"resourceMetrics\":[]}"
            + " | Duplicate field 'resourceMetrics'",
        "two dataPoints in a sum"
            + " | {\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"sum\":"
            + "{\"dataPoints\":[],\"data_points\":[]}}]}]}]}"
            + " | field 'data_points' repeats 'dataPoints'",
        "two timeUnixNano in a point"
            + " | {\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"sum\":"
            + "{\"dataPoints\":[{\"timeUnixNano\":\"1\",\"timeUnixNano\":\"2\"}]}}]}]}]}"
            + " | Duplicate field 'timeUnixNano'",
        "two keys in an attribute"
            + " | {\"resourceMetrics\":[{\"resource\":{\"attributes\":"
            + "[{\"key\":\"a\",\"key\":\"b\"}]}}]}"
            + " | Duplicate field 'key'",
        "two stringValues"
            + " | {\"resourceMetrics\":[{\"resource\":{\"attributes\":"
            + "[{\"key\":\"a\",\"value\":{\"stringValue\":\"x\",\"string_value\":\"y\"}}]}}]}"
            + " | field 'string_value' repeats 'stringValue'",
      })
  void repeatedFields_areRejected(String name, String json, String message) {
    MalformedOtlpException e =
        assertThrows(MalformedOtlpException.class, () -> decodeMetrics(json));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void repeatedFieldsInLogs_areRejected() {
    MalformedOtlpException e =
        assertThrows(
            MalformedOtlpException.class,
            () ->
                decodeLogs(
                    "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":"
                        + "\"1\",\"time_unix_nano\":\"2\"}]}]}]}"));
    assertTrue(
        e.getMessage().contains("field 'time_unix_nano' repeats 'timeUnixNano'"), e.getMessage());
  }

  @Test
  void invalidHexAndBase64_andBytesThatAreNotUtf8_areRejected() {
    assertThrows(
        MalformedOtlpException.class,
        () ->
            decodeLogs(
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"xyz\"}]}]}]}"));
    assertThrows(
        MalformedOtlpException.class,
        () ->
            decodeLogs(
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"bytesValue\":\"@@@\"}}]}]}]}"));
    byte[] notUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
    assertThrows(MalformedOtlpException.class, () -> OtlpJsonDecoder.decodeMetrics(notUtf8));
    assertThrows(MalformedOtlpException.class, () -> OtlpJsonDecoder.decodeMetrics(new byte[0]));
  }

  private static NumberDataPoint onlyPoint(String pointFields) throws MalformedOtlpException {
    return decodeMetrics(
            "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"gauge\":{\"dataPoints\":[{"
                + pointFields
                + "}]}}]}]}]}")
        .getResourceMetrics(0)
        .getScopeMetrics(0)
        .getMetrics(0)
        .getGauge()
        .getDataPoints(0);
  }

  private static Sum sum(String sumFields) throws MalformedOtlpException {
    return decodeMetrics(
            "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"sum\":{"
                + sumFields
                + "}}]}]}]}")
        .getResourceMetrics(0)
        .getScopeMetrics(0)
        .getMetrics(0)
        .getSum();
  }

  private static ExportMetricsServiceRequest decodeMetrics(String json)
      throws MalformedOtlpException {
    return OtlpJsonDecoder.decodeMetrics(json.getBytes(StandardCharsets.UTF_8));
  }

  private static ExportLogsServiceRequest decodeLogs(String json) throws MalformedOtlpException {
    return OtlpJsonDecoder.decodeLogs(json.getBytes(StandardCharsets.UTF_8));
  }

  private static ByteString hex(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private static byte[] gunzip(byte[] body) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }
}
