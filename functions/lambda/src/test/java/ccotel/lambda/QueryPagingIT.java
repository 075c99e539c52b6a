package ccotel.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.aggregate.UsageCommit;
import ccotel.auth.ConnectionAdmin;
import ccotel.dynamodb.DynamoDbUsageStore;
import ccotel.embedded.EmbeddedAws;
import ccotel.testing.Json;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The query handler's page cursors on DynamoDB Local: a cursor is good only for the dates it was
 * made for, and only ever reads the caller's own connection.
 */
class QueryPagingIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final LocalDate DAY = LocalDate.parse("2026-11-24");

  private AwsTestStack stack;
  private QueryHandler query;
  private ConnectionAdmin.NewConnection team;

  @BeforeEach
  void setUp() throws Exception {
    stack = new AwsTestStack(AWS);
    query =
        new QueryHandler(
            stack.components.queryService(),
            stack.components.summaryService(),
            stack.components.statusService());
    team = newConnection("team", "alice@example.com", "bob@example.com");
  }

  @Test
  void aCursorOutsideTheRequestedDates_is400_notRetryable() {
    String cursor = firstPage(team).get("next_page").asText();

    APIGatewayV2HTTPResponse answer =
        query.handleRequest(
            usage(team, Map.of("starting_at", "2026-11-25", "ending_at", "2026-11-30"), cursor),
            null);

    assertEquals(400, answer.getStatusCode(), answer.getBody());
    assertFalse(answer.getHeaders().containsKey("Retry-After"));
    assertEquals(
        "invalid page cursor: it was made for other dates; ask again without page",
        Json.read(ApiGatewayResponses.body(answer)).get("error").get("message").asText());
  }

  @Test
  void aCursorOfAnotherConnection_readsOnlyTheCallersOwnRows() throws Exception {
    String cursor = firstPage(team).get("next_page").asText();
    ConnectionAdmin.NewConnection other =
        newConnection("other", "carol@example.com", "dave@example.com");

    APIGatewayV2HTTPResponse answer =
        query.handleRequest(usage(other, Map.of("starting_at", DAY.toString()), cursor), null);

    assertEquals(200, answer.getStatusCode(), answer.getBody());
    // The cursor only says where to start: after "alice", in the caller's own rows.
    assertEquals(List.of("carol@example.com", "dave@example.com"), emails(answer));
  }

  private JsonNode firstPage(ConnectionAdmin.NewConnection connection) {
    APIGatewayV2HTTPResponse answer =
        query.handleRequest(
            usage(connection, Map.of("starting_at", DAY.toString(), "limit", "1"), null), null);
    assertEquals(200, answer.getStatusCode(), answer.getBody());
    JsonNode page = Json.read(ApiGatewayResponses.body(answer));
    assertTrue(page.get("has_more").asBoolean());
    return page;
  }

  /**
   * A connection with one session for each user on {@link #DAY}, written as the aggregator does.
   */
  private ConnectionAdmin.NewConnection newConnection(String name, String... emails)
      throws Exception {
    ConnectionAdmin.NewConnection connection =
        new ConnectionAdmin(stack.components.connectionRegistry(), Clock.systemUTC()).create(name);
    UsageTally tally = new UsageTally();
    for (String email : emails) {
      tally.add(
          new UsageKey(DAY, UserIdentity.email(email)), Counter.of(CounterFamily.SESSIONS), 1);
    }
    new DynamoDbUsageStore(
            AWS.dynamoDb().client(),
            stack.config.usageTable(),
            stack.config.stateTable(),
            Clock.systemUTC(),
            stack.config.deliveryRetention())
        .commit(
            new UsageCommit(
                connection.connection().id(), name + "-export", tally, new TreeMap<>()));
    return connection;
  }

  private static APIGatewayV2HTTPEvent usage(
      ConnectionAdmin.NewConnection connection, Map<String, String> parameters, String page) {
    Map<String, String> query = new HashMap<>(parameters);
    if (page != null) {
      query.put("page", page);
    }
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey("GET /api/usage/claude_code")
        .withRawPath("/api/usage/claude_code")
        .withHeaders(Map.of("authorization", "Bearer " + connection.readToken().value()))
        .withQueryStringParameters(query)
        .withIsBase64Encoded(false)
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod("GET")
                        .withPath("/api/usage/claude_code")
                        .build())
                .build())
        .build();
  }

  private static List<String> emails(APIGatewayV2HTTPResponse answer) {
    List<String> emails = new ArrayList<>();
    Json.read(ApiGatewayResponses.body(answer))
        .get("data")
        .forEach(r -> emails.add(r.get("actor").get("email_address").asText()));
    return emails;
  }
}
