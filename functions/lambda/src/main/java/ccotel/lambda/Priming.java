package ccotel.lambda;

import ccotel.query.StoredUsage;
import ccotel.usage.ClaudeCodeUsageMapper;
import ccotel.usage.UsageObservations;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.crac.Core;

/**
 * Warm-up for SnapStart. Lambda snapshots a function after its init; a CRaC {@code
 * beforeCheckpoint} hook registered here first runs requests through the handler that change
 * nothing (a token nobody holds, answered 401 after a real token lookup; sample exports through an
 * in-memory copy of the path). The classes they load and the code they compile are then in the
 * snapshot, so the first request after a restore does not pay for them ({@code ./ccotel bench
 * coldstart} measures the difference). Where no snapshot is taken the hook never runs.
 */
final class Priming implements org.crac.Resource {

  private final Runnable prime;

  private Priming(Runnable prime) {
    this.prime = prime;
  }

  /** No warm-up: for handlers built around a given service (tests, the local runner). */
  static final Priming NONE = new Priming(() -> {});

  /**
   * Registers {@code prime} to run before a checkpoint. The caller keeps the returned hook: CRaC
   * holds hooks weakly.
   */
  static Priming beforeCheckpoint(Runnable prime) {
    Priming priming = new Priming(prime);
    Core.getGlobalContext().register(priming);
    return priming;
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) {
    run();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {}

  /** Runs the warm-up now. One that fails must not fail the function: it only costs time. */
  void run() {
    try {
      prime.run();
    } catch (RuntimeException e) {
      System.err.println("ccotel: priming failed, continuing without it: " + e);
    }
  }

  // ---- what the hooks send

  /** An API Gateway event, as the HTTP API hands it to the function. */
  static APIGatewayV2HTTPEvent event(
      String method, String path, Map<String, String> headers, byte[] body) {
    APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
    event.setRawPath(path);
    event.setHeaders(new HashMap<>(headers));
    if (body != null) {
      event.setBody(Base64.getEncoder().encodeToString(body));
      event.setIsBase64Encoded(true);
    }
    APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
    APIGatewayV2HTTPEvent.RequestContext.Http http =
        new APIGatewayV2HTTPEvent.RequestContext.Http();
    http.setMethod(method);
    context.setHttp(http);
    event.setRequestContext(context);
    return event;
  }

  /** A Claude Code metrics export of one user: tokens and cost of one model, delta. */
  static byte[] sampleMetrics() {
    long now = nanos(Instant.now());
    Metric.Builder tokens =
        Metric.newBuilder().setName("claude_code.token.usage").setUnit("tokens");
    Sum.Builder sum =
        Sum.newBuilder()
            .setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
    for (String type : List.of("input", "output", "cacheRead", "cacheCreation")) {
      sum.addDataPoints(
          NumberDataPoint.newBuilder()
              .setTimeUnixNano(now)
              .setAsDouble(100)
              .addAttributes(attribute("model", SAMPLE_MODEL))
              .addAttributes(attribute("type", type)));
    }
    Metric cost =
        Metric.newBuilder()
            .setName("claude_code.cost.usage")
            .setUnit("USD")
            .setSum(
                Sum.newBuilder()
                    .setIsMonotonic(true)
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(
                        NumberDataPoint.newBuilder()
                            .setTimeUnixNano(now)
                            .setAsDouble(0.0125)
                            .addAttributes(attribute("model", SAMPLE_MODEL))))
            .build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(sampleResource())
                .addScopeMetrics(
                    ScopeMetrics.newBuilder().addMetrics(tokens.setSum(sum)).addMetrics(cost)))
        .build()
        .toByteArray();
  }

  /** A Claude Code logs export of one user: one {@code api_request} event. */
  static byte[] sampleLogs() {
    long now = nanos(Instant.now());
    LogRecord.Builder record =
        LogRecord.newBuilder()
            .setTimeUnixNano(now)
            .setBody(AnyValue.newBuilder().setStringValue("claude_code.api_request"));
    for (String[] pair :
        new String[][] {
          {"event.name", "api_request"},
          {"model", SAMPLE_MODEL},
          {"input_tokens", "100"},
          {"output_tokens", "100"},
          {"cache_read_tokens", "100"},
          {"cache_creation_tokens", "100"},
          {"cost_usd", "0.0125"},
          {"duration_ms", "1200"}
        }) {
      record.addAttributes(attribute(pair[0], pair[1]));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(sampleResource())
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(record)))
        .build()
        .toByteArray();
  }

  /** The metrics sample's shape in OTLP/JSON, as Claude Code sends with {@code http/json}. */
  static byte[] sampleMetricsJson() {
    String now = Long.toString(nanos(Instant.now()));
    return ("{\"resourceMetrics\":[{\"resource\":{\"attributes\":["
            + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"claude-code\"}},"
            + "{\"key\":\"user.email\",\"value\":{\"stringValue\":\""
            + SAMPLE_USER
            + "\"}}]},\"scopeMetrics\":[{\"scope\":{\"name\":\"com.anthropic.claude_code\"},"
            + "\"metrics\":[{\"name\":\"claude_code.token.usage\",\"unit\":\"tokens\",\"sum\":{"
            + "\"aggregationTemporality\":1,\"isMonotonic\":true,\"dataPoints\":[{\"attributes\":["
            + "{\"key\":\"model\",\"value\":{\"stringValue\":\""
            + SAMPLE_MODEL
            + "\"}},{\"key\":\"type\",\"value\":{\"stringValue\":\"input\"}}],"
            + "\"timeUnixNano\":\""
            + now
            + "\",\"asDouble\":100}]}}]}]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** What the metrics sample counts, as the usage table would hold it. */
  static List<StoredUsage> sampleUsage() {
    try {
      UsageObservations observations =
          ClaudeCodeUsageMapper.map(
              ExportMetricsServiceRequest.parseFrom(sampleMetrics()), Instant.now());
      List<StoredUsage> rows = new ArrayList<>();
      observations
          .deltas()
          .byKey()
          .forEach((key, counters) -> rows.add(StoredUsage.of(key, counters)));
      return rows;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** Nobody's address: {@code .invalid} is reserved (RFC 2606). */
  private static final String SAMPLE_USER = "priming@ccotel.invalid";

  private static final String SAMPLE_MODEL = "claude-sonnet-4-5";

  private static Resource sampleResource() {
    return Resource.newBuilder()
        .addAttributes(attribute("service.name", "claude-code"))
        .addAttributes(attribute("user.email", SAMPLE_USER))
        .addAttributes(attribute("session.id", "priming"))
        .build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
