package ccotel.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.activity.LastExportReader;
import ccotel.aggregate.UsageCommit;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.ConnectionLookup;
import ccotel.auth.ReadView;
import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenGrant;
import ccotel.auth.TokenHash;
import ccotel.auth.TokenScope;
import ccotel.dynamodb.DynamoDbPseudonymKeys;
import ccotel.dynamodb.DynamoDbRangeReader;
import ccotel.dynamodb.DynamoDbUsageStore;
import ccotel.embedded.EmbeddedAws;
import ccotel.query.UsageQueryService;
import ccotel.summary.SummaryService;
import ccotel.teams.RosterReader;
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
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The read side of issue 15 on DynamoDB Local, through the query handler: e-mail backfill from the
 * identity links the aggregator stores (paged exactly), pseudonyms keyed by the connection's stored
 * key, and the aggregate view's refusal of records.
 */
class ReadSideIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final LocalDate DAY = LocalDate.parse("2026-11-24");
  private static final Counter COMMITS = Counter.of(CounterFamily.COMMITS);

  private AwsTestStack stack;
  private DynamoDbUsageStore store;
  private QueryHandler query;
  private ConnectionAdmin.NewConnection connection;

  /** Read tokens of other views, until stored tokens carry one (i15-tokens). */
  private final Map<TokenHash, TokenGrant> viewTokens = new HashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    stack = new AwsTestStack(AWS);
    store =
        new DynamoDbUsageStore(
            AWS.dynamoDb().client(),
            stack.config.usageTable(),
            stack.config.stateTable(),
            Clock.systemUTC(),
            stack.config.deliveryRetention());
    ConnectionLookup stored = stack.components.connectionRegistry();
    TokenAuthorizer authorizer =
        new TokenAuthorizer(
            hash ->
                viewTokens.containsKey(hash)
                    ? Optional.of(viewTokens.get(hash))
                    : stored.find(hash));
    DynamoDbPseudonymKeys keys =
        new DynamoDbPseudonymKeys(AWS.dynamoDb().client(), stack.config.connectionsTable());
    query =
        new QueryHandler(
            new UsageQueryService(authorizer, store, store, RosterReader.NONE, keys),
            new SummaryService(
                authorizer,
                new DynamoDbRangeReader(AWS.dynamoDb().client(), stack.config.usageTable(), 4),
                RosterReader.NONE,
                LastExportReader.NONE,
                store,
                keys),
            stack.components.statusService());
    connection =
        new ConnectionAdmin(stack.components.connectionRegistry(), Clock.systemUTC())
            .create("acme");
  }

  private String readToken(ReadView view) {
    String token = "ccotel_read_" + java.util.UUID.randomUUID().toString().replace("-", "");
    viewTokens.put(
        TokenHash.of(token),
        new TokenGrant(connection.connection().id(), TokenScope.READ, view, Optional.empty()));
    return token;
  }

  /** Commits per user-day, written as the aggregator writes them. */
  private void commit(String export, Map<UsageKey, Long> commits) throws Exception {
    UsageTally tally = new UsageTally();
    commits.forEach((key, count) -> tally.add(key, COMMITS, count));
    store.commit(new UsageCommit(connection.connection().id(), export, tally, new TreeMap<>()));
  }

  private void link(String id, String email) throws Exception {
    store.saveLinks(
        connection.connection().id(),
        Map.of(UserIdentity.accountUuid(id), UserIdentity.email(email)));
  }

  private static UsageKey key(int dayOffset, UserIdentity user) {
    return new UsageKey(DAY.plusDays(dayOffset), user);
  }

  @Test
  void backfill_mergesLinkedIdsIntoTheirEmail_pagedExactly_andFollowsALinkThatChanges()
      throws Exception {
    Map<UsageKey, Long> rows = new HashMap<>();
    for (int u = 0; u < 6; u++) {
      UserIdentity account = UserIdentity.accountUuid("0-acc-" + u); // sorts before every e-mail
      UserIdentity email = UserIdentity.email("user" + u + "@acme.example");
      for (int d = 0; d < 3; d++) {
        rows.put(key(d, account), 100L * u + d + 1);
        if (u % 2 == 0 && d != 1) {
          rows.put(key(d, email), 10L * u + d + 1);
        }
      }
      if (u < 4) {
        link("0-acc-" + u, "user" + u + "@acme.example");
      }
    }
    commit("history", rows);
    long storedTotal = rows.values().stream().mapToLong(Long::longValue).sum();
    Map<String, String> range =
        Map.of("starting_at", DAY.toString(), "ending_at", DAY.plusDays(2).toString());

    JsonNode whole = page(connection.readToken().value(), range, 1000, null);
    List<JsonNode> records = new ArrayList<>();
    whole.get("data").forEach(records::add);
    // Per day: users 0..3 under their e-mail (merged), 4 and 5 unlinked: 4 under the account,
    // and on days 0 and 2 also 4's own e-mail row.
    assertEquals(3 * 6 + 2, records.size(), whole.toString());
    assertEquals(storedTotal, commitsOf(records));
    JsonNode first = records.get(0);
    assertEquals("0-acc-4", first.at("/actor/user_id").asText());
    JsonNode user0 = find(records, DAY, "user0@acme.example");
    assertEquals(1 + 1, user0.at("/core_metrics/commits_by_claude_code").asLong());
    JsonNode user1Day1 = find(records, DAY.plusDays(1), "user1@acme.example");
    assertEquals(100 + 2, user1Day1.at("/core_metrics/commits_by_claude_code").asLong());

    for (int limit = 1; limit <= 7; limit++) {
      List<JsonNode> paged = new ArrayList<>();
      String cursor = null;
      do {
        JsonNode answer = page(connection.readToken().value(), range, limit, cursor);
        answer.get("data").forEach(paged::add);
        cursor = answer.get("has_more").asBoolean() ? answer.get("next_page").asText() : null;
      } while (cursor != null);
      assertEquals(records.size(), paged.size(), "limit " + limit);
      for (int i = 0; i < paged.size(); i++) {
        Json.assertJsonEquals(records.get(i), paged.get(i));
      }
    }

    // user0's account is now seen with another e-mail: the report moves, the rows stay.
    link("0-acc-0", "renamed@acme.example");
    List<JsonNode> after = new ArrayList<>();
    page(connection.readToken().value(), range, 1000, null).get("data").forEach(after::add);
    assertEquals(
        100L * 0 + 1,
        find(after, DAY, "renamed@acme.example")
            .at("/core_metrics/commits_by_claude_code")
            .asLong());
    assertEquals(
        1,
        find(after, DAY, "user0@acme.example").at("/core_metrics/commits_by_claude_code").asLong());
    assertEquals(storedTotal, commitsOf(after));
    assertEquals(
        rows.size(),
        store
            .read(connection.connection().id(), DAY, DAY.plusDays(2), 1000, Optional.empty())
            .rows()
            .size());

    // The summary sums the same reported records.
    JsonNode summary =
        Json.read(
            ApiGatewayResponses.body(
                query.handleRequest(summaryEvent(connection.readToken().value(), range), null)));
    assertEquals(storedTotal, summary.at("/totals/commits").asLong());
    assertEquals(after.size(), sumActiveUsersByDay(summary));
  }

  @Test
  void pseudonymous_usesTheConnectionsStoredKey_andNamesNobody() throws Exception {
    commit(
        "day",
        Map.of(
            key(0, UserIdentity.email("ada@acme.example")), 3L,
            key(0, UserIdentity.accountUuid("acc-ada")), 4L,
            key(0, UserIdentity.userId("uid-bob")), 5L));
    link("acc-ada", "ada@acme.example");
    String token = readToken(ReadView.PSEUDONYMOUS);
    Map<String, String> day = Map.of("starting_at", DAY.toString());

    // A connection made before pseudonym keys existed has none: refused, and none is made.
    AWS.dynamoDb()
        .client()
        .updateItem(
            b ->
                b.tableName(stack.config.connectionsTable())
                    .key(Map.of("connectionId", AttributeValue.fromS(connection.connection().id())))
                    .updateExpression("REMOVE pseudonymKey"));
    APIGatewayV2HTTPResponse refused = query.handleRequest(usageEvent(token, day), null);
    assertEquals(403, refused.getStatusCode());
    assertTrue(ApiGatewayResponses.body(refused).length > 0);

    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    AWS.dynamoDb()
        .client()
        .updateItem(
            b ->
                b.tableName(stack.config.connectionsTable())
                    .key(Map.of("connectionId", AttributeValue.fromS(connection.connection().id())))
                    .updateExpression("SET pseudonymKey = :k")
                    .expressionAttributeValues(
                        Map.of(":k", AttributeValue.fromB(SdkBytes.fromByteArray(key)))));

    APIGatewayV2HTTPResponse records = query.handleRequest(usageEvent(token, day), null);
    APIGatewayV2HTTPResponse summary = query.handleRequest(summaryEvent(token, day), null);
    for (APIGatewayV2HTTPResponse answer : List.of(records, summary)) {
      assertEquals(200, answer.getStatusCode(), answer.getBody());
      String body =
          new String(ApiGatewayResponses.body(answer), java.nio.charset.StandardCharsets.UTF_8);
      for (String identity : List.of("ada@acme.example", "acc-ada", "uid-bob", "@", "user_actor")) {
        assertFalse(body.contains(identity), identity + " in " + body);
      }
    }
    JsonNode data = Json.read(ApiGatewayResponses.body(records)).get("data");
    assertEquals(2, data.size());
    String ada = new ccotel.views.Pseudonyms(key).of(UserIdentity.email("ada@acme.example"));
    long adaCommits = 0;
    for (JsonNode record : data) {
      if (record.at("/actor/pseudonym").asText().equals(ada)) {
        adaCommits = record.at("/core_metrics/commits_by_claude_code").asLong();
      }
    }
    assertEquals(7, adaCommits, "ada's account-id row is backfilled under her pseudonym");
  }

  @Test
  void aggregate_refusesRecords() throws Exception {
    commit("day", Map.of(key(0, UserIdentity.email("ada@acme.example")), 3L));
    String token = readToken(ReadView.AGGREGATE);

    APIGatewayV2HTTPResponse answer =
        query.handleRequest(usageEvent(token, Map.of("starting_at", DAY.toString())), null);

    assertEquals(403, answer.getStatusCode());
    JsonNode summary =
        Json.read(
            ApiGatewayResponses.body(
                query.handleRequest(
                    summaryEvent(token, Map.of("starting_at", DAY.toString())), null)));
    assertFalse(summary.has("by_user"));
    assertEquals("aggregate", summary.get("view").asText());
    assertEquals("other", summary.at("/by_team/0/team").asText());
    assertEquals(3, summary.at("/totals/commits").asLong());
  }

  private static long commitsOf(List<JsonNode> records) {
    long sum = 0;
    for (JsonNode record : records) {
      sum += record.at("/core_metrics/commits_by_claude_code").asLong();
    }
    return sum;
  }

  private static long sumActiveUsersByDay(JsonNode summary) {
    long sum = 0;
    for (JsonNode day : summary.get("by_day")) {
      sum += day.get("active_users").asLong();
    }
    return sum;
  }

  private static JsonNode find(List<JsonNode> records, LocalDate day, String email) {
    for (JsonNode record : records) {
      if (record.get("date").asText().equals(day + "T00:00:00Z")
          && email.equals(record.at("/actor/email_address").asText())) {
        return record;
      }
    }
    throw new AssertionError("no record of " + email + " on " + day);
  }

  private JsonNode page(String token, Map<String, String> range, int limit, String cursor) {
    Map<String, String> parameters = new HashMap<>(range);
    parameters.put("limit", Integer.toString(limit));
    if (cursor != null) {
      parameters.put("page", cursor);
    }
    APIGatewayV2HTTPResponse answer = query.handleRequest(usageEvent(token, parameters), null);
    assertEquals(200, answer.getStatusCode(), answer.getBody());
    JsonNode page = Json.read(ApiGatewayResponses.body(answer));
    assertTrue(page.get("data").size() <= limit);
    return page;
  }

  private static APIGatewayV2HTTPEvent usageEvent(String token, Map<String, String> parameters) {
    return event(UsageQueryService.PATH, token, parameters);
  }

  private static APIGatewayV2HTTPEvent summaryEvent(String token, Map<String, String> parameters) {
    return event(SummaryService.PATH, token, parameters);
  }

  private static APIGatewayV2HTTPEvent event(
      String path, String token, Map<String, String> parameters) {
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey("GET " + path)
        .withRawPath(path)
        .withHeaders(Map.of("authorization", "Bearer " + token))
        .withQueryStringParameters(parameters)
        .withIsBase64Encoded(false)
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod("GET")
                        .withPath(path)
                        .build())
                .build())
        .build();
  }
}
