package ccotel.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.cloudwatch.EmfServiceMetrics;
import ccotel.embedded.EmbeddedAws;
import ccotel.testing.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handlers' own metrics: the embedded-metric-format lines they print for known inputs, with
 * DynamoDB Local and ElasticMQ behind them; and failures logged with their stack trace.
 */
class ServiceMetricsIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  /** 2.5 s after the sample batch's exports were received (ccotel.receivedAt 14:02:42.500Z). */
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T14:02:45Z"), ZoneOffset.UTC);

  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private AwsTestStack stack;
  private AggregatorHandler aggregator;
  private IngestHandler ingest;

  @BeforeEach
  void setUp() {
    stack = new AwsTestStack(AWS);
    SampleConnection.register(stack);
    EmfServiceMetrics metrics =
        new EmfServiceMetrics(new PrintStream(stdout, true, StandardCharsets.UTF_8), CLOCK);
    aggregator = new AggregatorHandler(stack.components.aggregationService(), metrics, CLOCK);
    ingest = new IngestHandler(stack.components.ingestService(), metrics);
  }

  @Test
  void aggregatorBatch_printsOneEmfLine_withExactCounts() {
    aggregator.handleRequest(sampleBatchWithPoison(), null);

    assertEquals(
        List.of(
            "{\"_aws\":{\"Timestamp\":1795528965000,\"CloudWatchMetrics\":[{\"Namespace\":\"ccotel\","
                + "\"Dimensions\":[[\"Service\"]],\"Metrics\":["
                + "{\"Name\":\"MessagesAggregated\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"PartsCounted\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"PartsAlreadyCounted\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"RecordsRejected\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"MessageFailures\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"MessagesDeadLettered\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"AggregationLag\",\"Unit\":\"Milliseconds\"}]}]},"
                + "\"Service\":\"ccotel\",\"MessagesAggregated\":3,\"PartsCounted\":2,"
                + "\"PartsAlreadyCounted\":0,\"RecordsRejected\":0,\"MessageFailures\":1,"
                + "\"MessagesDeadLettered\":0,\"AggregationLag\":2500}"),
        lines());
  }

  @Test
  void aMessageFailingItsLastAttempt_isReportedAsDeadLettered() throws Exception {
    SQSEvent batch = sampleBatchWithPoison();
    SQSEvent.SQSMessage poison = batch.getRecords().get(1);
    Map<String, String> attributes = new HashMap<>(batch.getRecords().get(0).getAttributes());
    attributes.put("ApproximateReceiveCount", "4");
    poison.setAttributes(attributes);
    aggregator.handleRequest(batch, null);
    JsonNode fourth = Json.read(lines().get(0).getBytes(StandardCharsets.UTF_8));
    stdout.reset();

    attributes.put("ApproximateReceiveCount", "5"); // the redrive policy's maxReceiveCount
    aggregator.handleRequest(batch, null);
    JsonNode fifth = Json.read(lines().get(0).getBytes(StandardCharsets.UTF_8));

    assertEquals(1, fourth.get("MessageFailures").asInt());
    assertEquals(0, fourth.get("MessagesDeadLettered").asInt(), "SQS hands it out once more");
    assertEquals(1, fifth.get("MessageFailures").asInt());
    assertEquals(1, fifth.get("MessagesDeadLettered").asInt(), "SQS moves it to dead letters");
  }

  @Test
  void redeliveredBatch_isReportedAsAlreadyCounted() throws Exception {
    aggregator.handleRequest(sampleBatch(), null);
    stdout.reset();

    aggregator.handleRequest(sampleBatch(), null);

    JsonNode line = Json.read(lines().get(0).getBytes(StandardCharsets.UTF_8));
    assertEquals(2, line.get("MessagesAggregated").asInt());
    assertEquals(0, line.get("PartsCounted").asInt());
    assertEquals(2, line.get("PartsAlreadyCounted").asInt());
    assertEquals(0, line.get("MessageFailures").asInt());
  }

  @Test
  void ingest_reportsAcceptedAndRejectedExports() throws Exception {
    APIGatewayV2HTTPEvent accepted =
        EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-protobuf.json");
    APIGatewayV2HTTPEvent refused =
        EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-protobuf.json");
    Map<String, String> headers = new HashMap<>(refused.getHeaders());
    headers.put("authorization", "Bearer ccotel_ingest_nobodyholdsthis");
    refused.setHeaders(headers);

    ingest.handleRequest(accepted, null);
    ingest.handleRequest(refused, null);

    List<String> lines = lines();
    assertEquals(2, lines.size());
    assertCounts(lines.get(0), 1, 0, 0);
    assertCounts(lines.get(1), 0, 1, 0);
  }

  @Test
  void failedMessage_isLoggedWithItsStackTrace_inOneEntry() {
    CapturingContext context = new CapturingContext();

    aggregator.handleRequest(sampleBatchWithPoison(), context);

    List<String> failures =
        context.logged.stream().filter(line -> line.startsWith("aggregate message ")).toList();
    assertEquals(1, failures.size(), context.logged.toString());
    assertTrue(
        failures.get(0).contains("\n\tat ccotel.sqs.SqsExportMessages.read("), failures.get(0));
  }

  private static void assertCounts(String emf, int accepted, int rejected, int unavailable)
      throws Exception {
    JsonNode line = Json.read(emf.getBytes(StandardCharsets.UTF_8));
    assertEquals("ccotel", line.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
    assertEquals(accepted, line.get("ExportsAccepted").asInt());
    assertEquals(rejected, line.get("ExportsRejected").asInt());
    assertEquals(unavailable, line.get("ExportsUnavailable").asInt());
  }

  private List<String> lines() {
    return stdout.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static SQSEvent sampleBatch() {
    return EventLoader.loadSQSEvent("events/aggregator/sqs-batch.json");
  }

  private static SQSEvent sampleBatchWithPoison() {
    SQSEvent batch = sampleBatch();
    List<SQSEvent.SQSMessage> records = new ArrayList<>(batch.getRecords());
    SQSEvent.SQSMessage poison = new SQSEvent.SQSMessage();
    poison.setMessageId("poison-1");
    poison.setBody("this is not a queued export");
    poison.setMessageAttributes(new HashMap<>());
    records.add(1, poison);
    batch.setRecords(records);
    return batch;
  }
}
