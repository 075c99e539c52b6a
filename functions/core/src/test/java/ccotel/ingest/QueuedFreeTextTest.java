package ccotel.ingest;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.testing.FreeTextRequests;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import ccotel.testing.QueuedExports;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What ingest hands to the queue holds no prompt text, tool parameters or other free text a client
 * sent (README Guarantees), in either encoding, and still counts exactly what the request counts.
 */
class QueuedFreeTextTest {

  private InMemoryPipeline pipeline;
  private ConnectionAdmin.NewConnection connection;

  @BeforeEach
  void setUp() {
    pipeline = new InMemoryPipeline();
    connection = pipeline.admin.create("test");
  }

  @Test
  void promptAndToolParameters_areNotQueued_protobuf() throws Exception {
    ApiResponse answer = send("/api/otel/v1/logs", "application/x-protobuf", logsProtobuf());

    assertEquals(200, answer.status(), answer.bodyText());
    assertQueuedWithoutMarkers_andCounted();
  }

  @Test
  void promptAndToolParameters_areNotQueued_json() throws Exception {
    byte[] json =
        JsonFormat.printer()
            .print(FreeTextRequests.promptAndToolResult())
            .getBytes(StandardCharsets.UTF_8);

    ApiResponse answer = send("/api/otel/v1/logs", "application/json", json);

    assertEquals(200, answer.status(), answer.bodyText());
    assertQueuedWithoutMarkers_andCounted();
  }

  @Test
  void eventNamedOnlyByItsBody_isQueuedWithoutTheBody_andStillCounts() throws Exception {
    ExportLogsServiceRequest.Builder request = FreeTextRequests.promptAndToolResult().toBuilder();
    // Claude Code also names the event in the body; a sender may name it there alone.
    var record = request.getResourceLogsBuilder(0).getScopeLogsBuilder(0).getLogRecordsBuilder(1);
    int nameAt = 0;
    while (!record.getAttributes(nameAt).getKey().equals("event.name")) {
      nameAt++;
    }
    record.removeAttributes(nameAt);

    assertEquals(
        200,
        send("/api/otel/v1/logs", "application/x-protobuf", request.build().toByteArray())
            .status());
    assertQueuedWithoutMarkers_andCounted();
  }

  private void assertQueuedWithoutMarkers_andCounted() throws Exception {
    List<QueuedExport> queued = pipeline.queue.drain();
    assertEquals(1, queued.size());
    assertFalse(FreeTextRequests.holdsMarker(queued.get(0).protobufBody()));
    for (QueuedExport export : queued) {
      pipeline.aggregation.aggregate(export);
    }
    JsonNode extras = day().get("ccotel");
    assertEquals(1, extras.get("prompts").asInt());
    assertEquals(1, extras.get("tool_results").get("Bash").get("succeeded").asInt());
    assertEquals(0, extras.get("tool_results").get("Bash").get("failed").asInt());
  }

  @Test
  void metricAttributesThatAreNotCounted_areNotQueued_andSeriesStayApart() throws Exception {
    long start = nanos("2026-11-24T09:00:00Z");
    // Two cumulative series that differ only in an attribute ccotel does not read.
    byte[] first =
        OtlpRequests.metrics("dev@example.com")
            .resource("host.name", FreeTextRequests.RESOURCE_VALUE)
            .cumulative(
                "claude_code.commit.count",
                start,
                nanos("2026-11-24T10:00:00Z"),
                5,
                "note",
                "A " + FreeTextRequests.PROMPT)
            .cumulative(
                "claude_code.commit.count",
                start,
                nanos("2026-11-24T10:00:00Z"),
                3,
                "note",
                "B " + FreeTextRequests.PROMPT)
            .build()
            .toByteArray();

    assertEquals(200, send("/api/otel/v1/metrics", "application/x-protobuf", first).status());
    List<QueuedExport> queued = pipeline.queue.drain();
    assertEquals(1, queued.size());
    assertFalse(FreeTextRequests.holdsMarker(queued.get(0).protobufBody()));
    pipeline.aggregation.aggregate(queued.get(0));

    assertEquals(8, day().get("core_metrics").get("commits_by_claude_code").asInt());
  }

  @Test
  void unknownFieldsOfAPoint_areNotQueued() throws Exception {
    ExportMetricsServiceRequest.Builder request =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.commit.count", nanos("2026-11-24T10:00:00Z"), 2)
            .build()
            .toBuilder();
    // Field 100 is no field of NumberDataPoint: protobuf keeps its bytes as an unknown field.
    request
        .getResourceMetricsBuilder(0)
        .getScopeMetricsBuilder(0)
        .getMetricsBuilder(0)
        .getSumBuilder()
        .getDataPointsBuilder(0)
        .setUnknownFields(
            UnknownFieldSet.newBuilder()
                .addField(
                    100,
                    UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(ByteString.copyFromUtf8(FreeTextRequests.PROMPT))
                        .build())
                .build());

    assertEquals(
        200,
        send("/api/otel/v1/metrics", "application/x-protobuf", request.build().toByteArray())
            .status());
    List<QueuedExport> queued = pipeline.queue.drain();
    assertFalse(FreeTextRequests.holdsMarker(queued.get(0).protobufBody()));
    pipeline.aggregation.aggregate(queued.get(0));
    assertEquals(2, day().get("core_metrics").get("commits_by_claude_code").asInt());
  }

  @Test
  void queuedCumulativePoints_continueTheSeriesOfWhatWasQueuedWhole() throws Exception {
    long start = nanos("2026-11-24T09:00:00Z");
    // Queued before ingest left attributes out: the whole request was the message.
    byte[] before =
        OtlpRequests.metrics("dev@example.com")
            .resource("host.name", "eng")
            .cumulative(
                "claude_code.commit.count",
                start,
                nanos("2026-11-24T10:00:00Z"),
                5,
                "session.id",
                "s-1")
            .build()
            .toByteArray();
    pipeline.aggregation.aggregate(QueuedExports.metrics(connection.connection().id(), before));
    byte[] after =
        OtlpRequests.metrics("dev@example.com")
            .resource("host.name", "eng")
            .cumulative(
                "claude_code.commit.count",
                start,
                nanos("2026-11-24T10:01:00Z"),
                7,
                "session.id",
                "s-1")
            .build()
            .toByteArray();

    assertEquals(200, send("/api/otel/v1/metrics", "application/x-protobuf", after).status());
    for (QueuedExport export : pipeline.queue.drain()) {
      assertFalse(
          new String(export.protobufBody(), StandardCharsets.ISO_8859_1).contains("s-1"),
          "the session id is not queued");
      pipeline.aggregation.aggregate(export);
    }

    // The same series: 5, then 7 is an increase of 2, not a new series counting 7.
    assertEquals(7, day().get("core_metrics").get("commits_by_claude_code").asInt());
  }

  private byte[] logsProtobuf() {
    return FreeTextRequests.promptAndToolResult().toByteArray();
  }

  private ApiResponse send(String path, String contentType, byte[] body) {
    return pipeline.ingest.accept(
        new ApiRequest(
            "POST",
            path,
            Map.of(
                "content-type",
                contentType,
                "authorization",
                "Bearer " + connection.ingestToken().value()),
            Map.of(),
            body));
  }

  private JsonNode day() throws Exception {
    ApiResponse answer =
        pipeline.query(connection.readToken().value(), Map.of("starting_at", "2026-11-24"));
    assertEquals(200, answer.status(), answer.bodyText());
    JsonNode data = Json.read(answer.body()).get("data");
    assertEquals(1, data.size(), data.toString());
    return data.get(0);
  }
}
