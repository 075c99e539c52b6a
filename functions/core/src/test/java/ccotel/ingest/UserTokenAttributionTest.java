package ccotel.ingest;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.SecretToken;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT §7: everything sent with a per-user ingest token counts for the token's user, whatever
 * e-mail, account or user id the payload carries; revoking it answers 401; it cannot read.
 */
class UserTokenAttributionTest {

  private static final String DAY = "2026-11-24";
  private static final String BOUND = "alice@example.com";

  private InMemoryPipeline pipeline;
  private ConnectionAdmin.NewConnection connection;
  private SecretToken alice;

  @BeforeEach
  void setUp() throws Exception {
    pipeline = new InMemoryPipeline();
    connection = pipeline.admin.create("per-user");
    alice =
        pipeline.admin.issueUserToken(
            connection.connection().id(), "  Alice@Example.COM ", Optional.of("Alice"));
  }

  @Test
  void aPayloadNamingAnotherUser_countsForTheTokensUser() throws Exception {
    // Another e-mail on resource and points, plus an account and user id to be linked.
    byte[] metrics =
        OtlpRequests.metrics("mallory@example.com")
            .resource("user.account_uuid", "acc-mallory")
            .resource("user.id", "id-mallory")
            .delta("claude_code.session.count", nanos(DAY + "T10:00:00Z"), 2)
            .delta(
                "claude_code.cost.usage",
                nanos(DAY + "T10:00:00Z"),
                0.25,
                "model",
                "m",
                "user.account_uuid",
                "acc-point")
            .build()
            .toByteArray();
    // Events naming someone else by id only, and one with no identity at all.
    byte[] logs =
        OtlpRequests.logs(null)
            .event("tool_result", nanos(DAY + "T10:01:00Z"), "user.id", "id-bob")
            .event("tool_result", nanos(DAY + "T10:02:00Z"))
            .build()
            .toByteArray();

    assertEquals(200, send("/api/otel/v1/metrics", metrics, alice.value()).status());
    assertEquals(200, send("/api/otel/v1/logs", logs, alice.value()).status());
    // A later export with only the account id through the shared token: no link was learnt.
    byte[] accountOnly =
        OtlpRequests.metrics(null)
            .resource("user.account_uuid", "acc-mallory")
            .delta("claude_code.session.count", nanos(DAY + "T11:00:00Z"), 5)
            .build()
            .toByteArray();
    assertEquals(
        200, send("/api/otel/v1/metrics", accountOnly, connection.ingestToken().value()).status());
    pipeline.aggregateQueued();

    JsonNode records = records();
    assertEquals(2, records.size(), records.toString());
    JsonNode aliceRecord = byActor(records, "email_address", BOUND);
    assertEquals(2, aliceRecord.at("/core_metrics/num_sessions").asLong());
    assertEquals(
        "25",
        aliceRecord.at("/model_breakdown/0/estimated_cost/amount").decimalValue().toPlainString());
    // The account id stayed on its own: the user token's payload linked nothing to anyone.
    JsonNode unlinked = byActor(records, "user_id", "acc-mallory");
    assertEquals(5, unlinked.at("/core_metrics/num_sessions").asLong());
    assertTrue(!records.toString().contains("mallory@"), records.toString());
    assertTrue(!records.toString().contains("id-bob"), records.toString());
  }

  @Test
  void twoUsersByteIdenticalExports_areTwoExports() throws Exception {
    SecretToken bob =
        pipeline.admin.issueUserToken(
            connection.connection().id(), "bob@example.com", Optional.empty());
    byte[] body =
        OtlpRequests.metrics(null)
            .delta("claude_code.session.count", nanos(DAY + "T10:00:00Z"), 1)
            .build()
            .toByteArray();

    send("/api/otel/v1/metrics", body, alice.value());
    send("/api/otel/v1/metrics", body, bob.value());
    send("/api/otel/v1/metrics", body, bob.value()); // a retry: counted once
    List<QueuedExport> queued = pipeline.aggregateQueued();

    assertNotEquals(queued.get(0).deliveryId(), queued.get(1).deliveryId());
    assertEquals(queued.get(1).deliveryId(), queued.get(2).deliveryId());
    JsonNode records = records();
    assertEquals(
        1, byActor(records, "email_address", BOUND).at("/core_metrics/num_sessions").asLong());
    assertEquals(
        1,
        byActor(records, "email_address", "bob@example.com")
            .at("/core_metrics/num_sessions")
            .asLong());
  }

  @Test
  void twoUsersIdenticalCumulativeSeries_areTwoSeries() throws Exception {
    SecretToken bob =
        pipeline.admin.issueUserToken(
            connection.connection().id(), "bob@example.com", Optional.empty());
    long start = nanos(DAY + "T09:00:00Z");
    // Both claim the same (spoofed) user: without binding they would be one series.
    byte[] body =
        OtlpRequests.metrics("shared@example.com")
            .cumulative("claude_code.session.count", start, nanos(DAY + "T10:00:00Z"), 4)
            .build()
            .toByteArray();

    send("/api/otel/v1/metrics", body, alice.value());
    send("/api/otel/v1/metrics", body, bob.value());
    pipeline.aggregateQueued();

    JsonNode records = records();
    assertEquals(2, records.size(), records.toString());
    assertEquals(
        4, byActor(records, "email_address", BOUND).at("/core_metrics/num_sessions").asLong());
    assertEquals(
        4,
        byActor(records, "email_address", "bob@example.com")
            .at("/core_metrics/num_sessions")
            .asLong());
  }

  @Test
  void aRevokedUserToken_isUnauthenticatedAtOnce_andTheSharedTokenStillWorks() throws Exception {
    byte[] body =
        OtlpRequests.metrics(null)
            .delta("claude_code.session.count", nanos(DAY + "T10:00:00Z"), 1)
            .build()
            .toByteArray();
    assertEquals(200, send("/api/otel/v1/metrics", body, alice.value()).status());

    assertEquals(1, pipeline.admin.revokeUserTokens(connection.connection().id(), BOUND));

    assertEquals(401, send("/api/otel/v1/metrics", body, alice.value()).status());
    assertEquals(
        200, send("/api/otel/v1/metrics", body, connection.ingestToken().value()).status());
  }

  @Test
  void aUserToken_cannotRead() {
    ApiResponse answer = pipeline.query(alice.value(), Map.of("starting_at", DAY));
    assertEquals(403, answer.status(), answer.bodyText());
    ApiResponse summary = pipeline.summary(alice.value(), Map.of("starting_at", DAY), Map.of());
    assertEquals(403, summary.status(), summary.bodyText());
  }

  @Test
  void aUserTokenOfOneConnection_neverCountsIntoAnother() throws Exception {
    ConnectionAdmin.NewConnection other = pipeline.admin.create("other");
    byte[] body =
        OtlpRequests.metrics(null)
            .delta("claude_code.session.count", nanos(DAY + "T10:00:00Z"), 3)
            .build()
            .toByteArray();
    send("/api/otel/v1/metrics", body, alice.value());
    pipeline.aggregateQueued();

    ApiResponse theirs = pipeline.query(other.readToken().value(), Map.of("starting_at", DAY));
    assertEquals(200, theirs.status());
    assertEquals(0, Json.read(theirs.body()).get("data").size());
    assertEquals(1, records().size());
  }

  private ApiResponse send(String path, byte[] body, String token) {
    return pipeline.ingest.accept(
        new ApiRequest(
            "POST",
            path,
            Map.of("Content-Type", "application/x-protobuf", "Authorization", "Bearer " + token),
            Map.of(),
            body));
  }

  private JsonNode records() {
    ApiResponse answer = pipeline.query(connection.readToken().value(), Map.of("starting_at", DAY));
    assertEquals(200, answer.status(), answer.bodyText());
    return Json.read(answer.body()).get("data");
  }

  private static JsonNode byActor(JsonNode records, String field, String value) {
    List<String> actors = new ArrayList<>();
    for (JsonNode record : records) {
      if (value.equals(record.at("/actor/" + field).asText())) {
        return record;
      }
      actors.add(record.get("actor").toString());
    }
    throw new AssertionError("no record with " + field + " " + value + " in " + actors);
  }
}
