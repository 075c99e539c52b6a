package ccotel.ingest;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import ccotel.usage.ClaudeCodeUsageMapper;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What ingest rejects is not queued: the aggregator maps each queued part of a split request with
 * bounds of its own, under which a record rejected for the whole request could count.
 */
class QueuedRejectionsTest {

  private static final long SIX_HUNDRED_TRILLION = 600_000_000_000_000L;

  @Test
  void aRecordRejectedForTheRequestsSum_countsInNoPartOfASplitRequest() throws Exception {
    InMemoryPipeline pipeline = new InMemoryPipeline();
    ConnectionAdmin.NewConnection connection = pipeline.admin.create("split");
    long time = nanos("2026-11-24T10:00:00Z");
    Random random = new Random(7);
    // Two api_requests of 6 * 10^14 input tokens each: together past the 10^15 one request may
    // add to a counter, so the second is rejected. Between them, enough records with long counted
    // values that the queued form is split, the two ending in different parts.
    OtlpRequests.LogsBuilder logs =
        OtlpRequests.logs("dev@example.com")
            .event("api_request", time, "model", "m", "input_tokens", "" + SIX_HUNDRED_TRILLION);
    int fillers = 900;
    for (int i = 0; i < fillers; i++) {
      logs.event("tool_result", time + 1 + i, "tool_name", "Bash", "success", text(random, 1024));
    }
    logs.event("api_request", time + 2000, "model", "m", "input_tokens", "" + SIX_HUNDRED_TRILLION);

    ApiResponse answer =
        pipeline.ingest.accept(
            new ApiRequest(
                "POST",
                "/api/otel/v1/logs",
                Map.of(
                    "content-type",
                    "application/x-protobuf",
                    "authorization",
                    "Bearer " + connection.ingestToken().value()),
                Map.of(),
                logs.build().toByteArray()));
    assertEquals(200, answer.status(), answer.bodyText());
    assertEquals(
        1,
        ExportLogsServiceResponse.parseFrom(answer.body())
            .getPartialSuccess()
            .getRejectedLogRecords());
    assertTrue(pipeline.aggregateQueued().size() >= 2, "split into parts");

    JsonNode record =
        Json.read(
                pipeline
                    .query(connection.readToken().value(), Map.of("starting_at", "2026-11-24"))
                    .body())
            .get("data")
            .get(0);
    assertEquals(
        SIX_HUNDRED_TRILLION,
        record.get("model_breakdown").get(0).get("tokens").get("input").asLong());
    assertEquals(
        fillers, record.get("ccotel").get("tool_results").get("Bash").get("failed").asLong());
  }

  @Test
  void aPointRejectedForTheRequestsSum_isLeftOutOfTheQueuedMetrics() {
    long time = nanos("2026-11-24T10:00:00Z");
    ExportMetricsServiceRequest request =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.token.usage", time, 6e14, "model", "m", "type", "input")
            .delta("claude_code.token.usage", time + 1, 6e14, "model", "m", "type", "input")
            .delta("claude_code.token.usage", time + 2, 3e14, "model", "m", "type", "input")
            .build();

    ClaudeCodeUsageMapper.Mapped mapped =
        ClaudeCodeUsageMapper.mapForQueue(
            request, java.time.Instant.ofEpochSecond(time / 1_000_000_000L));

    assertEquals(1, mapped.observations().rejected());
    ExportMetricsServiceRequest queued = (ExportMetricsServiceRequest) mapped.projection();
    List<Double> values = new ArrayList<>();
    queued.getResourceMetrics(0).getScopeMetrics(0).getMetricsList().stream()
        .flatMap(metric -> metric.getSum().getDataPointsList().stream())
        .forEach(point -> values.add(point.getAsDouble()));
    assertEquals(List.of(6e14, 3e14), values, "the second point, rejected, is not queued");
    // Mapped again, as the aggregator does, the queued form counts what ingest admitted.
    assertEquals(
        mapped.observations().deltas().byKey(),
        ClaudeCodeUsageMapper.map(queued, java.time.Instant.ofEpochSecond(time / 1_000_000_000L))
            .deltas()
            .byKey());
  }

  private static String text(Random random, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }
}
