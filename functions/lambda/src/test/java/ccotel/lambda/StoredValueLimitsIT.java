package ccotel.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ccotel.embedded.EmbeddedAws;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A stored number that is no count (a sum past 2^63 written before the store had a ceiling, or by
 * hand) on DynamoDB Local: the query page still answers, naming the counter in its row, and an
 * export that would add to it is refused alone.
 */
class StoredValueLimitsIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private AwsTestStack stack;
  private AggregatorHandler aggregator;
  private QueryHandler query;

  @BeforeEach
  void setUp() {
    stack = new AwsTestStack(AWS);
    SampleConnection.register(stack);
    aggregator = new AggregatorHandler(stack.components.aggregationService());
    query =
        new QueryHandler(
            stack.components.queryService(),
            stack.components.summaryService(),
            stack.components.statusService());
  }

  @Test
  void aStoredValuePastALong_isNamedInItsRow_andThePageStillAnswers() throws Exception {
    assertEquals(
        List.of(),
        aggregator
            .handleRequest(EventLoader.loadSQSEvent("events/aggregator/sqs-batch.json"), null)
            .getBatchItemFailures());
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("connectionId", s(SampleConnection.ID));
    item.put("sk", s("2026-11-24#zed@example.com#e"));
    item.put("day", s("2026-11-24"));
    item.put("actorKind", s("EMAIL"));
    item.put("actorId", s("zed@example.com"));
    item.put("c:sessions", n("3"));
    item.put("c:m.points:claude-x", n("1"));
    item.put("c:m.tok.input:claude-x", n("10000000000000000000")); // 10^19 > 2^63 - 1
    item.put("c:m.tok.output:claude-x", n("2.5"));
    AWS.dynamoDb().client().putItem(b -> b.tableName(stack.config.usageTable()).item(item));

    JsonNode answer = Json.read(queryBody());

    JsonNode rows = answer.get("data");
    assertEquals(2, rows.size());
    assertEquals(expectedUsage().get("data").get(0), rows.get(0));
    JsonNode zed = rows.get(1);
    assertEquals("zed@example.com", zed.get("actor").get("email_address").asText());
    assertEquals(3, zed.get("core_metrics").get("num_sessions").asLong());
    assertEquals(
        Json.read("[\"m.tok.input:claude-x\",\"m.tok.output:claude-x\"]".getBytes()),
        zed.get("ccotel").get("unreadable_counters"));
    assertEquals(0, zed.get("model_breakdown").get(0).get("tokens").get("input").asLong());
    assertFalse(answer.get("has_more").asBoolean());

    // Adding to the bad counter is refused for good; the other export of the batch counts.
    SQSEvent batch = new SQSEvent();
    batch.setRecords(
        List.of(
            SampleConnection.message("to-bad", tokens("zed@example.com", 5)),
            SampleConnection.message("to-good", tokens("amy@example.com", 7))));
    SQSBatchResponse response = aggregator.handleRequest(batch, null);

    assertEquals(
        List.of("to-bad"),
        response.getBatchItemFailures().stream()
            .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
            .toList());
    JsonNode after = Json.read(queryBody()).get("data");
    assertEquals("amy@example.com", after.get(0).get("actor").get("email_address").asText());
    assertEquals(7, after.get(0).get("model_breakdown").get(0).get("tokens").get("input").asLong());
    assertEquals(
        Json.read("[\"m.tok.input:claude-x\",\"m.tok.output:claude-x\"]".getBytes()),
        after.get(2).get("ccotel").get("unreadable_counters"));
  }

  private static byte[] tokens(String email, int input) {
    return OtlpRequests.metrics(email)
        .delta(
            "claude_code.token.usage",
            OtlpRequests.nanos("2026-11-24T10:00:00Z"),
            input,
            "type",
            "input",
            "model",
            "claude-x")
        .build()
        .toByteArray();
  }

  private byte[] queryBody() {
    APIGatewayV2HTTPResponse response =
        query.handleRequest(
            EventLoader.loadApiGatewayHttpEvent("events/query/usage-day.json"), null);
    assertEquals(200, response.getStatusCode(), response.getBody());
    return ApiGatewayResponses.body(response);
  }

  private static JsonNode expectedUsage() throws Exception {
    try (InputStream in =
        StoredValueLimitsIT.class.getResourceAsStream("sample-batch-usage.json")) {
      return Json.read(in.readAllBytes());
    }
  }

  private static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  private static AttributeValue n(String value) {
    return AttributeValue.builder().n(value).build();
  }
}
