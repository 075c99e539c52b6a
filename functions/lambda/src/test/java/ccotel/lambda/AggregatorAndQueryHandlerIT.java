package ccotel.lambda;

import static ccotel.testing.Json.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenHash;
import ccotel.embedded.EmbeddedAws;
import ccotel.metrics.ServiceMetrics;
import ccotel.query.UsageQueryService;
import ccotel.testing.Json;
import ccotel.testing.MutableClock;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The aggregator and query handlers on the sample SQS batch and query event of events/, with
 * DynamoDB Local: exact totals, redelivery counted once, a poison message reported alone.
 */
class AggregatorAndQueryHandlerIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private AwsTestStack stack;
  private AggregatorHandler aggregator;
  private QueryHandler query;

  @BeforeEach
  void setUp() {
    stack = new AwsTestStack(AWS);
    SampleConnection.register(stack);
    // As deployed: it keeps the last export time, an item of the usage table §4 reads must skip.
    aggregator =
        new AggregatorHandler(
            stack.components.aggregationService(),
            ServiceMetrics.NONE,
            Clock.systemUTC(),
            stack.components.activityRecorder(),
            stack.config.maxReceiveCount());
    query =
        new QueryHandler(
            stack.components.queryService(),
            stack.components.summaryService(),
            stack.components.statusService());
  }

  @Test
  void sampleBatch_isCountedExactly() throws Exception {
    SQSBatchResponse response = aggregator.handleRequest(sampleBatch(), null);

    assertEquals(List.of(), response.getBatchItemFailures());
    assertJsonEquals(expectedUsage(), Json.read(queryBody()));
  }

  @Test
  void redeliveredBatch_isCountedOnce() throws Exception {
    aggregator.handleRequest(sampleBatch(), null);
    SQSBatchResponse again = aggregator.handleRequest(sampleBatch(), null);

    assertEquals(List.of(), again.getBatchItemFailures());
    assertJsonEquals(expectedUsage(), Json.read(queryBody()));
  }

  @Test
  void poisonMessage_isReportedAlone_andTheOthersCount() throws Exception {
    SQSEvent batch = sampleBatch();
    List<SQSEvent.SQSMessage> records = new ArrayList<>(batch.getRecords());
    SQSEvent.SQSMessage poison = new SQSEvent.SQSMessage();
    poison.setMessageId("poison-1");
    poison.setBody("this is not a queued export");
    poison.setMessageAttributes(new HashMap<>());
    records.add(1, poison);
    batch.setRecords(records);

    SQSBatchResponse response = aggregator.handleRequest(batch, null);

    assertEquals(
        List.of("poison-1"),
        response.getBatchItemFailures().stream()
            .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
            .toList());
    assertJsonEquals(expectedUsage(), Json.read(queryBody()));
  }

  @Test
  void sampleSummary_sumsTheSampleBatchExactly() throws Exception {
    aggregator.handleRequest(sampleBatch(), null);

    APIGatewayV2HTTPResponse response = query.handleRequest(summaryEvent(), null);

    assertEquals(200, response.getStatusCode(), response.getBody());
    assertEquals("application/json", response.getHeaders().get("Content-Type"));
    JsonNode summary = Json.read(ApiGatewayResponses.body(response));
    assertEquals("2026-11-18", summary.get("starting_at").asText());
    assertEquals("2026-11-24", summary.get("ending_at").asText());
    // The newest receivedAt of the batch (both its messages were received then).
    assertEquals("2026-11-24T14:02:42.500Z", summary.get("last_export_at").asText());
    assertEquals(7, summary.get("by_day").size());
    assertEquals(0, summary.get("by_day").get(0).get("active_users").asInt());
    JsonNode lastDay = summary.get("by_day").get(6);
    assertEquals("2026-11-24", lastDay.get("date").asText());
    assertEquals(1, lastDay.get("active_users").asInt());
    assertEquals(11, lastDay.get("lines_added").asLong());
    JsonNode totals = summary.get("totals");
    assertEquals(1, totals.get("active_users").asInt());
    assertEquals(11, totals.get("lines_added").asLong());
    assertEquals(1, totals.get("api_requests").asLong());
    assertEquals(15_873, totals.get("tokens").get("cache_creation").asLong());
    assertEquals("6.159075", totals.get("estimated_cost").get("amount").decimalValue().toString());
    assertEquals(1, totals.get("edit_decisions").get("accepted").asLong());
    JsonNode user = summary.get("by_user").get(0);
    assertEquals("dev@example.com", user.get("actor").get("email_address").asText());
    assertTrue(user.get("team").isNull());
    assertEquals(1, user.get("active_days").asInt());
    assertEquals("2026-11-24", user.get("last_active").asText());
    assertJsonEquals(
        Json.read(
            ("[{\"terminal_type\":\"non-interactive\",\"num_sessions\":0,\"active_users\":1,"
                    + "\"estimated_cost\":{\"currency\":\"USD\",\"amount\":6.159075}}]")
                .getBytes(StandardCharsets.UTF_8)),
        summary.get("by_terminal"));
    assertJsonEquals(
        Json.read(
            "[{\"tool\":\"Write\",\"accepted\":1,\"rejected\":0}]"
                .getBytes(StandardCharsets.UTF_8)),
        summary.get("by_tool"));
  }

  @Test
  void summaryBeforeAnyExport_hasNoLastExportTime_andZerosForEveryDay() {
    APIGatewayV2HTTPResponse response = query.handleRequest(summaryEvent(), null);

    assertEquals(200, response.getStatusCode(), response.getBody());
    JsonNode summary = Json.read(ApiGatewayResponses.body(response));
    assertTrue(summary.get("last_export_at").isNull());
    assertEquals(7, summary.get("by_day").size());
    assertEquals(0, summary.get("totals").get("active_users").asInt());
    assertEquals(0, summary.get("by_user").size());
  }

  @Test
  void sampleStatus_afterTheSampleBatch_countsItsExportsOnce_andItsUser() throws Exception {
    // An hour after the batch was received, so that it is within the status's windows.
    AwsTestStack later =
        new AwsTestStack(AWS, new MutableClock(Instant.parse("2026-11-24T15:00:00Z")));
    SampleConnection.register(later);
    AggregatorHandler aggregator =
        new AggregatorHandler(
            later.components.aggregationService(),
            ServiceMetrics.NONE,
            Clock.systemUTC(),
            later.components.activityRecorder(),
            later.config.maxReceiveCount());
    QueryHandler query =
        new QueryHandler(
            later.components.queryService(),
            later.components.summaryService(),
            later.components.statusService());
    APIGatewayV2HTTPEvent status =
        EventLoader.loadApiGatewayHttpEvent("events/query/usage-status.json");

    aggregator.handleRequest(sampleBatch(), null);
    aggregator.handleRequest(sampleBatch(), null); // redelivered: counted before

    APIGatewayV2HTTPResponse response = query.handleRequest(status, null);
    assertEquals(200, response.getStatusCode(), response.getBody());
    assertJsonEquals(
        Json.read(
            ("{\"view\":\"full\",\"last_export_at\":\"2026-11-24T14:02:42.500Z\",\"exports_last_24h\":2,"
                    + "\"active_users_last_7d\":1,\"silent_users\":[]}")
                .getBytes(StandardCharsets.UTF_8)),
        Json.read(ApiGatewayResponses.body(response)));
  }

  @Test
  void summaryWithAnIngestToken_is403_andWithoutAToken_is401() {
    APIGatewayV2HTTPEvent event = summaryEvent();
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("authorization", "Bearer " + SampleConnection.INGEST_TOKEN);
    event.setHeaders(headers);
    assertEquals(403, query.handleRequest(event, null).getStatusCode());

    headers.remove("authorization");
    event.setHeaders(headers);
    assertEquals(401, query.handleRequest(event, null).getStatusCode());
  }

  @Test
  void ingestTokenOnQuery_is403() {
    APIGatewayV2HTTPEvent event =
        EventLoader.loadApiGatewayHttpEvent("events/query/usage-day.json");
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("authorization", "Bearer " + SampleConnection.INGEST_TOKEN);
    event.setHeaders(headers);

    assertEquals(403, query.handleRequest(event, null).getStatusCode());
  }

  @Test
  void healthz_isTheServicesHealthJson() {
    APIGatewayV2HTTPEvent event =
        EventLoader.loadApiGatewayHttpEvent("events/query/usage-day.json");
    event.setRawPath("/healthz");
    event.getRequestContext().getHttp().setPath("/healthz");
    event.setQueryStringParameters(null);

    APIGatewayV2HTTPResponse answer = query.handleRequest(event, null);

    assertEquals(200, answer.getStatusCode());
    assertEquals("application/json", answer.getHeaders().get("Content-Type"));
    assertEquals(
        "{\"status\":\"ok\"}",
        new String(ApiGatewayResponses.body(answer), StandardCharsets.UTF_8));
  }

  @Test
  void aQueryThatFailsUnexpectedly_is500InTheApisErrorFormat_loggedWithoutTheToken() {
    QueryHandler failing =
        new QueryHandler(
            new UsageQueryService(
                new TokenAuthorizer(stack.components.connectionRegistry()),
                (connectionId, from, to, limit, cursor) -> {
                  throw new IllegalStateException("reader broke (test)");
                }),
            stack.components.summaryService(),
            stack.components.statusService());
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    APIGatewayV2HTTPResponse answer;
    try {
      answer =
          failing.handleRequest(
              EventLoader.loadApiGatewayHttpEvent("events/query/usage-day.json"), null);
    } finally {
      System.setErr(original);
    }

    assertEquals(500, answer.getStatusCode(), answer.getBody());
    assertEquals("application/json", answer.getHeaders().get("Content-Type"));
    assertEquals(null, answer.getHeaders().get("Retry-After"));
    JsonNode error = Json.read(ApiGatewayResponses.body(answer));
    assertEquals(1, error.size());
    assertEquals("api_error", error.get("error").get("type").asText());
    assertEquals(
        "internal error; the service has logged it", error.get("error").get("message").asText());
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertTrue(logs.contains("reader broke (test)"), logs);
    assertTrue(logs.contains("-> 500"), logs);
    for (String secret :
        List.of(SampleConnection.READ_TOKEN, TokenHash.of(SampleConnection.READ_TOKEN).hex())) {
      assertFalse(logs.contains(secret), "a token or hash in the logs: " + logs);
    }
  }

  private static APIGatewayV2HTTPEvent summaryEvent() {
    return EventLoader.loadApiGatewayHttpEvent("events/query/usage-summary.json");
  }

  private static SQSEvent sampleBatch() {
    return EventLoader.loadSQSEvent("events/aggregator/sqs-batch.json");
  }

  private byte[] queryBody() {
    APIGatewayV2HTTPResponse response =
        query.handleRequest(
            EventLoader.loadApiGatewayHttpEvent("events/query/usage-day.json"), null);
    assertEquals(200, response.getStatusCode(), response.getBody());
    assertEquals("application/json", response.getHeaders().get("Content-Type"));
    return ApiGatewayResponses.body(response);
  }

  private static com.fasterxml.jackson.databind.JsonNode expectedUsage() throws IOException {
    try (InputStream in =
        AggregatorAndQueryHandlerIT.class.getResourceAsStream("sample-batch-usage.json")) {
      return Json.read(in.readAllBytes());
    }
  }
}
