package ccotel.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.DupDetector;
import com.fasterxml.jackson.core.json.JsonReadContext;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * OTLP/JSON ("OTLP/HTTP JSON Protobuf Encoding") into the generated proto classes, in one streaming
 * pass with typed setters: no tree, no reflection. That is what makes it over twice as fast as
 * protobuf-java's {@code JsonFormat}, which also gets OTLP wrong in one place: it reads {@code
 * traceId}/{@code spanId} as base64, while OTLP/JSON sends them as hex.
 *
 * <p>The spec's rules: lowerCamelCase field names (the proto names are accepted too), unknown
 * fields ignored, 64-bit integers as strings or numbers, enums as names or numbers, {@code null} as
 * "not set", doubles also as "NaN"/"Infinity"/"-Infinity", other bytes as base64.
 *
 * <p>What ccotel never counts is read as JSON (so a malformed body is still refused) but not built:
 * a histogram, exponential histogram or summary metric keeps only its kind, without data points
 * (the mapper rejects a {@code claude_code.*} metric of those kinds by that kind); exemplars and a
 * resource's entity references are left out.
 */
public final class OtlpJsonDecoder {

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          // Correctly rounded, as Double.parseDouble is, and faster on Claude Code's 17-digit
          // costs.
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          // A repeated field would be read twice: two resourceMetrics arrays would both count.
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // Deeper than any OTLP message (AnyValue nests): stops a stack-exhausting body early.
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
          .build();
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  private OtlpJsonDecoder() {}

  public static ExportMetricsServiceRequest decodeMetrics(byte[] json)
      throws MalformedOtlpException {
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    new Decoding(json)
        .document(
            (d, name) -> {
              switch (name) {
                case "resourceMetrics", "resource_metrics" ->
                    d.array(() -> request.addResourceMetrics(d.resourceMetrics()));
                case "resourceLogs", "resource_logs", "resourceSpans", "resource_spans" ->
                    throw d.wrongSignal(name, "metrics");
                default -> d.skip();
              }
            });
    return request.build();
  }

  public static ExportLogsServiceRequest decodeLogs(byte[] json) throws MalformedOtlpException {
    ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
    new Decoding(json)
        .document(
            (d, name) -> {
              switch (name) {
                case "resourceLogs", "resource_logs" ->
                    d.array(() -> request.addResourceLogs(d.resourceLogs()));
                case "resourceMetrics", "resource_metrics", "resourceSpans", "resource_spans" ->
                    throw d.wrongSignal(name, "logs");
                default -> d.skip();
              }
            });
    return request.build();
  }

  /** Handles one field of an object; must consume the field's value. */
  private interface FieldReader {
    void read(Decoding decoding, String name) throws IOException, MalformedOtlpException;
  }

  /** Reads one element of an array; must consume it. */
  private interface ElementReader {
    void read() throws IOException, MalformedOtlpException;
  }

  /** An enum's number by its proto name; negative when there is no such name. */
  private interface EnumByName {
    int number(String name);
  }

  /** One decoding: the parser and where in the document it is, for error messages. */
  private static final class Decoding {

    private final byte[] json;
    private JsonParser parser;

    Decoding(byte[] json) {
      this.json = json;
    }

    void document(FieldReader fields) throws MalformedOtlpException {
      try (JsonParser p = JSON.createParser(json)) {
        parser = p;
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw fail("the body must be a JSON object");
        }
        object(fields);
        if (p.nextToken() != null) {
          throw fail("unexpected content after the JSON object");
        }
      } catch (IOException e) {
        // Truncated or invalid JSON, invalid UTF-8, numbers out of range: all the client's bytes.
        throw new MalformedOtlpException(
            "body is not valid OTLP/JSON at " + where() + ": " + describe(e), e);
      }
    }

    private static String describe(IOException e) {
      return e instanceof com.fasterxml.jackson.core.JsonProcessingException processing
          ? processing.getOriginalMessage()
          : e.getMessage();
    }

    // ---- structure

    /** Reads an object (the parser is on its START_OBJECT); null means "not set". */
    void object(FieldReader fields) throws IOException, MalformedOtlpException {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_NULL) {
        return;
      }
      if (token != JsonToken.START_OBJECT) {
        throw fail("expected an object, got " + describe(token));
      }
      for (String name = nextName(); name != null; name = nextName()) {
        if (parser.nextToken() != JsonToken.VALUE_NULL) {
          fields.read(this, name);
        }
      }
    }

    /** The next field name of the current object, null at its end. */
    private String nextName() throws IOException, MalformedOtlpException {
      return once(parser.nextFieldName());
    }

    /**
     * {@code name}, refused when the same field came before in this object under its other
     * spelling: the proto name ({@code resource_metrics}) and the lowerCamelCase JSON name ({@code
     * resourceMetrics}) are one field. Jackson refuses exact repeats; a proto name registers its
     * JSON name with Jackson's record of this object's names, so either order is caught.
     */
    private String once(String name) throws IOException, MalformedOtlpException {
      if (name == null || name.indexOf('_') < 0) {
        return name;
      }
      StringBuilder camel = new StringBuilder(name.length());
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c == '_' && i + 1 < name.length()) {
          camel.append(Character.toUpperCase(name.charAt(++i)));
        } else {
          camel.append(c);
        }
      }
      DupDetector seen = ((JsonReadContext) parser.getParsingContext()).getDupDetector();
      if (seen != null && seen.isDup(camel.toString())) {
        throw fail("field '" + name + "' repeats '" + camel + "'");
      }
      return name;
    }

    void array(ElementReader element) throws IOException, MalformedOtlpException {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_NULL) {
        return;
      }
      if (token != JsonToken.START_ARRAY) {
        throw fail("expected an array, got " + describe(token));
      }
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        element.read();
      }
    }

    void skip() throws IOException {
      parser.skipChildren();
    }

    /** An object ccotel does not use: checked to be one, then passed over unread. */
    void skipObject() throws IOException, MalformedOtlpException {
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        throw fail("expected an object, got " + describe(parser.currentToken()));
      }
      parser.skipChildren();
    }

    // ---- scalars

    String string() throws IOException, MalformedOtlpException {
      if (parser.currentToken() != JsonToken.VALUE_STRING) {
        throw fail("expected a string, got " + describe(parser.currentToken()));
      }
      return parser.getText();
    }

    boolean bool() throws IOException, MalformedOtlpException {
      return switch (parser.currentToken()) {
        case VALUE_TRUE -> true;
        case VALUE_FALSE -> false;
        default -> throw fail("expected true or false, got " + describe(parser.currentToken()));
      };
    }

    /** int64 / sint64 / sfixed64: a JSON number or a decimal string. */
    long int64() throws IOException, MalformedOtlpException {
      return integer(false);
    }

    /** uint64 / fixed64: values above Long.MAX_VALUE are kept as their two's complement. */
    long uint64() throws IOException, MalformedOtlpException {
      return integer(true);
    }

    private long integer(boolean unsigned) throws IOException, MalformedOtlpException {
      BigInteger value;
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_NUMBER_INT) {
        value = parser.getBigIntegerValue();
      } else if (token == JsonToken.VALUE_STRING) {
        String text = parser.getText().trim();
        try {
          return inRange(Long.parseLong(text), unsigned); // timestamps: strings that fit a long
        } catch (NumberFormatException e) {
          // too large for a long, or not a number: BigInteger tells which
        }
        try {
          value = new BigInteger(text);
        } catch (NumberFormatException e) {
          throw fail("expected an integer, got \"" + parser.getText() + "\"");
        }
      } else if (token == JsonToken.VALUE_NUMBER_FLOAT
          && parser.getDecimalValue().stripTrailingZeros().scale() <= 0) {
        value = parser.getDecimalValue().toBigIntegerExact(); // e.g. 1.0e3
      } else {
        throw fail("expected an integer, got " + describe(token));
      }
      if (unsigned
          ? value.signum() < 0 || value.compareTo(TWO_TO_64) >= 0
          : value.bitLength() > 63) {
        throw fail(
            "out of range for "
                + (unsigned ? "an unsigned 64-bit integer: " : "a 64-bit integer: ")
                + value);
      }
      return value.longValue();
    }

    private long inRange(long value, boolean unsigned) throws MalformedOtlpException {
      if (unsigned && value < 0) {
        throw fail("out of range for an unsigned 64-bit integer: " + value);
      }
      return value;
    }

    /** int32 / uint32 / sint32 (uint32 above Integer.MAX_VALUE as its two's complement). */
    int int32() throws IOException, MalformedOtlpException {
      long value = int64();
      if (value < Integer.MIN_VALUE || value > 0xFFFF_FFFFL) {
        throw fail("out of range for a 32-bit integer: " + value);
      }
      return (int) value;
    }

    double dbl() throws IOException, MalformedOtlpException {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
        return parser.getDoubleValue();
      }
      if (token != JsonToken.VALUE_STRING) {
        throw fail("expected a number, got " + describe(token));
      }
      String text = parser.getText().trim();
      return switch (text) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> {
          // Double.parseDouble also takes "1d" or hex floats, which JSON numbers are not.
          if (!text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            throw fail("expected a number, got \"" + parser.getText() + "\"");
          }
          yield Double.parseDouble(text);
        }
      };
    }

    /** An enum by number, or by name through {@code byName}. Unknown numbers are kept. */
    int enumNumber(EnumByName byName) throws IOException, MalformedOtlpException {
      if (parser.currentToken() == JsonToken.VALUE_STRING) {
        String name = parser.getText();
        int number = byName.number(name);
        if (number < 0) {
          throw fail("unknown enum value \"" + name + "\"");
        }
        return number;
      }
      return int32();
    }

    /** {@code traceId}/{@code spanId}: hex in OTLP/JSON, not base64. */
    ByteString hex() throws IOException, MalformedOtlpException {
      String text = string();
      try {
        return ByteString.copyFrom(HexFormat.of().parseHex(text));
      } catch (IllegalArgumentException e) {
        throw fail("expected a hex string, got \"" + text + "\"");
      }
    }

    ByteString base64() throws IOException, MalformedOtlpException {
      String text = string();
      try {
        boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
        return ByteString.copyFrom(
            (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text));
      } catch (IllegalArgumentException e) {
        throw fail("expected base64, got \"" + text + "\"");
      }
    }

    // ---- errors

    /** A field of another signal's request: refused, or the exporter would think it delivered. */
    MalformedOtlpException wrongSignal(String field, String expected) {
      String other =
          field.startsWith("resourceMetrics") || field.startsWith("resource_metrics")
              ? "metrics"
              : field.startsWith("resourceLogs") || field.startsWith("resource_logs")
                  ? "logs"
                  : "traces";
      return fail(
          "\""
              + field
              + "\" belongs to an OTLP "
              + other
              + " request, not "
              + expected
              + (other.equals("traces")
                  ? "; ccotel accepts metrics and logs"
                  : "; send it to /v1/" + other));
    }

    /** Where the parser is, as a path like resourceMetrics[0].scopeMetrics[0].metrics[2].sum. */
    private String where() {
      List<JsonStreamContext> steps = new ArrayList<>();
      for (JsonStreamContext c = parser.getParsingContext();
          c != null && !c.inRoot();
          c = c.getParent()) {
        steps.add(c);
      }
      StringBuilder where = new StringBuilder();
      for (int i = steps.size() - 1; i >= 0; i--) {
        JsonStreamContext step = steps.get(i);
        if (step.inArray()) {
          if (step.getEntryCount() > 0) {
            where.append('[').append(step.getCurrentIndex()).append(']');
          }
        } else if (step.getCurrentName() != null) {
          where.append(where.length() == 0 ? "" : ".").append(step.getCurrentName());
        }
      }
      return where.length() == 0 ? "the top level" : where.toString();
    }

    private MalformedOtlpException fail(String problem) {
      return new MalformedOtlpException(where() + ": " + problem);
    }

    private static String describe(JsonToken token) {
      if (token == null) {
        return "the end of the body";
      }
      return switch (token) {
        case START_OBJECT -> "an object";
        case START_ARRAY -> "an array";
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        default -> token.asString() == null ? token.name() : token.asString();
      };
    }

    // ---- common messages

    KeyValue.Builder keyValue() throws IOException, MalformedOtlpException {
      KeyValue.Builder keyValue = KeyValue.newBuilder();
      object(
          (d, name) -> {
            switch (name) {
              case "key" -> keyValue.setKey(d.string());
              case "value" -> keyValue.setValue(d.anyValue());
              case "keyStrindex", "key_strindex" -> keyValue.setKeyStrindex(d.int32());
              default -> d.skip();
            }
          });
      return keyValue;
    }

    /** Two fields of the oneof: the last one wins, as in protobuf's binary encoding. */
    AnyValue.Builder anyValue() throws IOException, MalformedOtlpException {
      AnyValue.Builder value = AnyValue.newBuilder();
      object(
          (d, name) -> {
            switch (name) {
              case "stringValue", "string_value" -> value.setStringValue(d.string());
              case "boolValue", "bool_value" -> value.setBoolValue(d.bool());
              case "intValue", "int_value" -> value.setIntValue(d.int64());
              case "doubleValue", "double_value" -> value.setDoubleValue(d.dbl());
              case "bytesValue", "bytes_value" -> value.setBytesValue(d.base64());
              case "stringValueStrindex", "string_value_strindex" ->
                  value.setStringValueStrindex(d.int32());
              case "arrayValue", "array_value" -> {
                ArrayValue.Builder array = ArrayValue.newBuilder();
                d.object(
                    (d2, n2) -> {
                      if (n2.equals("values")) {
                        d2.array(() -> array.addValues(d2.anyValue()));
                      } else {
                        d2.skip();
                      }
                    });
                value.setArrayValue(array);
              }
              case "kvlistValue", "kvlist_value" -> {
                KeyValueList.Builder list = KeyValueList.newBuilder();
                d.object(
                    (d2, n2) -> {
                      if (n2.equals("values")) {
                        d2.array(() -> list.addValues(d2.keyValue()));
                      } else {
                        d2.skip();
                      }
                    });
                value.setKvlistValue(list);
              }
              default -> d.skip();
            }
          });
      return value;
    }

    Resource.Builder resource() throws IOException, MalformedOtlpException {
      Resource.Builder resource = Resource.newBuilder();
      object(
          (d, name) -> {
            switch (name) {
              case "attributes" -> d.array(() -> resource.addAttributes(d.keyValue()));
              case "droppedAttributesCount", "dropped_attributes_count" ->
                  resource.setDroppedAttributesCount(d.int32());
              default -> d.skip();
            }
          });
      return resource;
    }

    InstrumentationScope.Builder scope() throws IOException, MalformedOtlpException {
      InstrumentationScope.Builder scope = InstrumentationScope.newBuilder();
      object(
          (d, name) -> {
            switch (name) {
              case "name" -> scope.setName(d.string());
              case "version" -> scope.setVersion(d.string());
              case "attributes" -> d.array(() -> scope.addAttributes(d.keyValue()));
              case "droppedAttributesCount", "dropped_attributes_count" ->
                  scope.setDroppedAttributesCount(d.int32());
              default -> d.skip();
            }
          });
      return scope;
    }

    // ---- metrics

    ResourceMetrics.Builder resourceMetrics() throws IOException, MalformedOtlpException {
      ResourceMetrics.Builder resourceMetrics = ResourceMetrics.newBuilder();
      object(
          (d, name) -> {
            switch (name) {
              case "resource" -> resourceMetrics.setResource(d.resource());
              case "scopeMetrics", "scope_metrics" ->
                  d.array(() -> resourceMetrics.addScopeMetrics(d.scopeMetrics()));
              case "schemaUrl", "schema_url" -> resourceMetrics.setSchemaUrl(d.string());
              default -> d.skip();
            }
          });
      return resourceMetrics;
    }

    ScopeMetrics.Builder scopeMetrics() throws IOException, MalformedOtlpException {
      ScopeMetrics.Builder scopeMetrics = ScopeMetrics.newBuilder();
      object(
          (d, name) -> {
            switch (name) {
              case "scope" -> scopeMetrics.setScope(d.scope());
              case "metrics" -> d.array(() -> scopeMetrics.addMetrics(d.metric()));
              case "schemaUrl", "schema_url" -> scopeMetrics.setSchemaUrl(d.string());
              default -> d.skip();
            }
          });
      return scopeMetrics;
    }

    Metric.Builder metric() throws IOException, MalformedOtlpException {
      Metric.Builder metric = Metric.newBuilder();
      object(
          (d, name) -> {
            switch (name) {
              case "name" -> metric.setName(d.string());
              case "description" -> metric.setDescription(d.string());
              case "unit" -> metric.setUnit(d.string());
              case "metadata" -> d.array(() -> metric.addMetadata(d.keyValue()));
              case "gauge" -> {
                Gauge.Builder gauge = Gauge.newBuilder();
                d.object(
                    (d2, n2) -> {
                      if (n2.equals("dataPoints") || n2.equals("data_points")) {
                        d2.array(() -> gauge.addDataPoints(d2.numberDataPoint()));
                      } else {
                        d2.skip();
                      }
                    });
                metric.setGauge(gauge);
              }
              case "sum" -> {
                Sum.Builder sum = Sum.newBuilder();
                d.object(
                    (d2, n2) -> {
                      switch (n2) {
                        case "dataPoints", "data_points" ->
                            d2.array(() -> sum.addDataPoints(d2.numberDataPoint()));
                        case "aggregationTemporality", "aggregation_temporality" ->
                            sum.setAggregationTemporalityValue(d2.temporality());
                        case "isMonotonic", "is_monotonic" -> sum.setIsMonotonic(d2.bool());
                        default -> d2.skip();
                      }
                    });
                metric.setSum(sum);
              }
              // Never counted: only the kind is kept.
              case "histogram" -> {
                d.skipObject();
                metric.setHistogram(Histogram.getDefaultInstance());
              }
              case "exponentialHistogram", "exponential_histogram" -> {
                d.skipObject();
                metric.setExponentialHistogram(ExponentialHistogram.getDefaultInstance());
              }
              case "summary" -> {
                d.skipObject();
                metric.setSummary(Summary.getDefaultInstance());
              }
              default -> d.skip();
            }
          });
      return metric;
    }

    int temporality() throws IOException, MalformedOtlpException {
      return enumNumber(
          name -> {
            try {
              return AggregationTemporality.valueOf(name).getNumber();
            } catch (IllegalArgumentException e) {
              return -1;
            }
          });
    }

    /** Exemplars are never counted and are skipped with the unknown fields. */
    NumberDataPoint.Builder numberDataPoint() throws IOException, MalformedOtlpException {
      NumberDataPoint.Builder point = NumberDataPoint.newBuilder();
      object(
          (d, name) -> {
            switch (name) {
              case "attributes" -> d.array(() -> point.addAttributes(d.keyValue()));
              case "startTimeUnixNano", "start_time_unix_nano" ->
                  point.setStartTimeUnixNano(d.uint64());
              case "timeUnixNano", "time_unix_nano" -> point.setTimeUnixNano(d.uint64());
              case "asDouble", "as_double" -> point.setAsDouble(d.dbl());
              case "asInt", "as_int" -> point.setAsInt(d.int64());
              case "flags" -> point.setFlags(d.int32());
              default -> d.skip();
            }
          });
      return point;
    }

    // ---- logs

    ResourceLogs.Builder resourceLogs() throws IOException, MalformedOtlpException {
      ResourceLogs.Builder resourceLogs = ResourceLogs.newBuilder();
      object(
          (d, name) -> {
            switch (name) {
              case "resource" -> resourceLogs.setResource(d.resource());
              case "scopeLogs", "scope_logs" ->
                  d.array(() -> resourceLogs.addScopeLogs(d.scopeLogs()));
              case "schemaUrl", "schema_url" -> resourceLogs.setSchemaUrl(d.string());
              default -> d.skip();
            }
          });
      return resourceLogs;
    }

    ScopeLogs.Builder scopeLogs() throws IOException, MalformedOtlpException {
      ScopeLogs.Builder scopeLogs = ScopeLogs.newBuilder();
      object(
          (d, name) -> {
            switch (name) {
              case "scope" -> scopeLogs.setScope(d.scope());
              case "logRecords", "log_records" ->
                  d.array(() -> scopeLogs.addLogRecords(d.logRecord()));
              case "schemaUrl", "schema_url" -> scopeLogs.setSchemaUrl(d.string());
              default -> d.skip();
            }
          });
      return scopeLogs;
    }

    LogRecord.Builder logRecord() throws IOException, MalformedOtlpException {
      LogRecord.Builder record = LogRecord.newBuilder();
      object(
          (d, name) -> {
            switch (name) {
              case "timeUnixNano", "time_unix_nano" -> record.setTimeUnixNano(d.uint64());
              case "observedTimeUnixNano", "observed_time_unix_nano" ->
                  record.setObservedTimeUnixNano(d.uint64());
              case "severityNumber", "severity_number" ->
                  record.setSeverityNumberValue(d.severity());
              case "severityText", "severity_text" -> record.setSeverityText(d.string());
              case "body" -> record.setBody(d.anyValue());
              case "attributes" -> d.array(() -> record.addAttributes(d.keyValue()));
              case "droppedAttributesCount", "dropped_attributes_count" ->
                  record.setDroppedAttributesCount(d.int32());
              case "flags" -> record.setFlags(d.int32());
              case "traceId", "trace_id" -> record.setTraceId(d.hex());
              case "spanId", "span_id" -> record.setSpanId(d.hex());
              case "eventName", "event_name" -> record.setEventName(d.string());
              default -> d.skip();
            }
          });
      return record;
    }

    int severity() throws IOException, MalformedOtlpException {
      return enumNumber(
          name -> {
            try {
              return SeverityNumber.valueOf(name).getNumber();
            } catch (IllegalArgumentException e) {
              return -1;
            }
          });
    }
  }
}
