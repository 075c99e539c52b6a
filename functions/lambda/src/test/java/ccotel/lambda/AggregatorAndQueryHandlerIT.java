package ccotel.lambda;

import static ccotel.testing.Json.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.embedded.EmbeddedAws;
import ccotel.testing.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.io.IOException;
import java.io.InputStream;
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

  private AggregatorHandler aggregator;
  private QueryHandler query;

  @BeforeEach
  void setUp() {
    AwsTestStack stack = new AwsTestStack(AWS);
    SampleConnection.register(stack);
    aggregator = new AggregatorHandler(stack.components.aggregationService());
    query = new QueryHandler(stack.components.queryService());
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
  void ingestTokenOnQuery_is403() {
    APIGatewayV2HTTPEvent event =
        EventLoader.loadApiGatewayHttpEvent("events/query/usage-day.json");
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("authorization", "Bearer " + SampleConnection.INGEST_TOKEN);
    event.setHeaders(headers);

    assertEquals(403, query.handleRequest(event, null).getStatusCode());
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
