package ccotel.views;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.ReadView;
import ccotel.teams.Membership;
import ccotel.teams.Roster;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import ccotel.testing.QueuedExports;
import ccotel.usage.UserIdentity;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What each read view (CONTRACT §7) shows of the same usage, through the query services. */
class ReadViewsTest {

  private static final Map<String, String> RANGE =
      Map.of("starting_at", "2026-11-20", "ending_at", "2026-11-21");
  private static final Pattern PSEUDONYM = Pattern.compile("p_[0-9a-f]{16}");

  private final InMemoryPipeline pipeline = new InMemoryPipeline();
  private String acme;
  private String globex;

  /** Every e-mail, account id and user id the data carries. */
  private final List<String> identities = new ArrayList<>();

  @BeforeEach
  void organisation() throws Exception {
    acme = connection("acme");
    globex = connection("globex");
    pipeline.pseudonymKeys.put(
        acme, "acme-secret-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    pipeline.pseudonymKeys.put(
        globex, "globex-secret-key-0123456789abcde".getBytes(StandardCharsets.UTF_8));
    for (String connection : List.of(acme, globex)) {
      // An e-mail user whose account id is linked, one only known by account id, one by user id.
      send(connection, "ada@acme.example", "acc-ada-0001", null, "2026-11-20T09:00:00Z", 3);
      send(connection, null, "acc-ada-0001", null, "2026-11-21T09:00:00Z", 4);
      send(connection, null, "acc-cy-0002", null, "2026-11-20T10:00:00Z", 5);
      send(connection, null, null, "uid-dee-0003", "2026-11-21T11:00:00Z", 6);
    }
    identities.addAll(
        List.of("ada@acme.example", "acc-ada-0001", "acc-cy-0002", "uid-dee-0003", "ada@"));
  }

  private String connection(String name) {
    ConnectionAdmin.NewConnection created = pipeline.admin.create(name);
    return created.connection().id();
  }

  private void send(
      String connection, String email, String account, String userId, String at, long commits)
      throws Exception {
    OtlpRequests.MetricsBuilder metrics = OtlpRequests.metrics(email);
    if (account != null) {
      metrics.resource("user.account_uuid", account);
    }
    if (userId != null) {
      metrics.resource("user.id", userId);
    }
    pipeline.aggregation.aggregate(
        QueuedExports.metrics(
            connection,
            metrics
                .delta("claude_code.commit.count", nanos(at), (double) commits)
                .delta("claude_code.cost.usage", nanos(at), commits / 4.0, "model", "claude-m1")
                .build()
                .toByteArray()));
  }

  private ApiResponse records(String token, Map<String, String> parameters) {
    return pipeline.query(token, parameters);
  }

  private ApiResponse summary(String token, Map<String, String> parameters) {
    return pipeline.summary(token, parameters, Map.of());
  }

  private void assertNoIdentity(ApiResponse answer) {
    assertEquals(200, answer.status(), answer.bodyText());
    String body = answer.bodyText();
    for (String identity : identities) {
      assertFalse(body.contains(identity), identity + " in " + body);
    }
    assertFalse(body.contains("user_actor"), body);
    assertFalse(body.contains("email_address"), body);
    assertFalse(body.contains("user_id"), body);
  }

  private static Set<String> pseudonyms(String body) {
    Set<String> found = new HashSet<>();
    Matcher matcher = PSEUDONYM.matcher(body);
    while (matcher.find()) {
      found.add(matcher.group());
    }
    return found;
  }

  @Test
  void pseudonymous_answersNameNoEmailNorId_anywhere() {
    String token = pipeline.readToken(acme, ReadView.PSEUDONYMOUS);

    ApiResponse json = records(token, RANGE);
    ApiResponse csv = pipeline.queryCsv(token, RANGE);
    ApiResponse summary = summary(token, RANGE);

    assertNoIdentity(json);
    assertNoIdentity(csv);
    assertNoIdentity(summary);
    assertTrue(
        csv.bodyText().startsWith("date,pseudonym,team,department,cost_center,num_sessions,"),
        csv.bodyText());
    JsonNode data = Json.read(json.body()).get("data");
    assertEquals(4, data.size()); // ada 20th, cy 20th, ada 21st (backfilled), dee 21st
    for (JsonNode record : data) {
      assertEquals("pseudonymous_actor", record.at("/actor/type").asText());
      assertEquals(2, record.get("actor").size(), "type and pseudonym only");
      assertTrue(PSEUDONYM.matcher(record.at("/actor/pseudonym").asText()).matches());
    }
    assertEquals("pseudonymous", Json.read(summary.body()).get("view").asText());
    // Three people: ada's account-id day is backfilled under her (one pseudonym for both days).
    assertEquals(3, pseudonyms(json.bodyText()).size());
  }

  @Test
  void pseudonyms_areStableAcrossAnswers_andDifferBetweenConnections() {
    String acmeToken = pipeline.readToken(acme, ReadView.PSEUDONYMOUS);
    String fullToken = pipeline.readToken(acme, ReadView.FULL);

    Set<String> fromRecords = pseudonyms(records(acmeToken, RANGE).bodyText());
    Set<String> again = pseudonyms(records(acmeToken, RANGE).bodyText());
    Set<String> fromCsv = pseudonyms(pipeline.queryCsv(acmeToken, RANGE).bodyText());
    Set<String> fromSummary = pseudonyms(summary(acmeToken, RANGE).bodyText());
    Set<String> fromAnotherToken =
        pseudonyms(records(pipeline.readToken(acme, ReadView.PSEUDONYMOUS), RANGE).bodyText());

    assertEquals(3, fromRecords.size());
    assertEquals(fromRecords, again);
    assertEquals(fromRecords, fromCsv);
    assertEquals(fromRecords, fromSummary);
    assertEquals(fromRecords, fromAnotherToken);

    // The same person's figures under the same pseudonym: ada's commits, 3 + 4.
    JsonNode full = Json.read(summary(fullToken, RANGE).body()).get("by_user");
    JsonNode pseudonymous = Json.read(summary(acmeToken, RANGE).body()).get("by_user");
    Map<Long, String> pseudonymByCommits = new HashMap<>();
    pseudonymous.forEach(
        user ->
            pseudonymByCommits.put(
                user.get("commits").asLong(), user.at("/actor/pseudonym").asText()));
    assertEquals(7, full.get(0).get("commits").asLong());
    assertEquals("ada@acme.example", full.at("/0/actor/email_address").asText());
    assertEquals(
        new Pseudonyms("acme-secret-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8))
            .of(UserIdentity.email("ada@acme.example")),
        pseudonymByCommits.get(7L));

    Set<String> globexPseudonyms =
        pseudonyms(records(pipeline.readToken(globex, ReadView.PSEUDONYMOUS), RANGE).bodyText());
    assertEquals(3, globexPseudonyms.size());
    Set<String> shared = new HashSet<>(globexPseudonyms);
    shared.retainAll(fromRecords);
    assertEquals(Set.of(), shared, "the same people, other pseudonyms");
  }

  @Test
  void pseudonymousPages_holdNoEmailInTheirCursor_andServeEveryRecordOnce() {
    String token = pipeline.readToken(acme, ReadView.PSEUDONYMOUS);
    List<JsonNode> served = new ArrayList<>();
    Map<String, String> parameters = new HashMap<>(RANGE);
    parameters.put("limit", "1");
    while (true) {
      ApiResponse answer = records(token, parameters);
      assertNoIdentity(answer);
      JsonNode page = Json.read(answer.body());
      page.get("data").forEach(served::add);
      if (!page.get("has_more").asBoolean()) {
        break;
      }
      String cursor = page.get("next_page").asText();
      String decoded =
          new String(java.util.Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      for (String identity : identities) {
        assertFalse(decoded.contains(identity), decoded);
      }
      parameters.put("page", cursor);
    }
    JsonNode whole = Json.read(records(token, RANGE).body()).get("data");
    assertEquals(whole.size(), served.size());
    for (int i = 0; i < served.size(); i++) {
      Json.assertJsonEquals(whole.get(i), served.get(i));
    }
  }

  @Test
  void pseudonymous_withoutAKey_isRefused_andNoKeyIsMade() {
    pipeline.pseudonymKeys.remove(acme);
    String token = pipeline.readToken(acme, ReadView.PSEUDONYMOUS);

    for (ApiResponse answer :
        List.of(records(token, RANGE), pipeline.queryCsv(token, RANGE), summary(token, RANGE))) {
      assertEquals(403, answer.status());
      JsonNode error = Json.read(answer.body()).get("error");
      assertEquals("permission_error", error.get("type").asText());
      assertTrue(error.get("message").asText().contains("pseudonym key"));
      assertTrue(error.get("message").asText().contains("add-read-token"));
    }
    assertFalse(pipeline.pseudonymKeys.containsKey(acme));
  }

  @Test
  void aggregate_refusesRecords_inJsonAndCsv() {
    String token = pipeline.readToken(acme, ReadView.AGGREGATE);

    for (ApiResponse answer : List.of(records(token, RANGE), pipeline.queryCsv(token, RANGE))) {
      assertEquals(403, answer.status());
      assertEquals("permission_error", Json.read(answer.body()).at("/error/type").asText());
      assertFalse(answer.bodyText().contains("ada@"));
    }
  }

  @Test
  void aggregate_summaryHasNoUsers_andNoTeamUnderFive() throws Exception {
    // Teams of 6, 5, 4 and 1 active users and 2 without a team, on the 22nd.
    Map<String, Integer> sizes = Map.of("big", 6, "five", 5, "four", 4, "solo", 1, "", 2);
    int n = 0;
    Map<String, Membership> roster = new HashMap<>();
    for (Map.Entry<String, Integer> team : sizes.entrySet()) {
      for (int i = 0; i < team.getValue(); i++, n++) {
        String email = team.getKey() + i + "@corp.example";
        send(acme, email, null, null, "2026-11-22T09:00:00Z", n + 1);
        if (!team.getKey().isEmpty()) {
          roster.put(email, Membership.of(team.getKey(), null, null));
        }
      }
    }
    pipeline.rosters.replace(acme, Roster.of(roster));
    Map<String, String> day = Map.of("starting_at", "2026-11-22");
    String token = pipeline.readToken(acme, ReadView.AGGREGATE);
    JsonNode full = Json.read(summary(pipeline.readToken(acme, ReadView.FULL), day).body());

    JsonNode aggregate = Json.read(summary(token, day).body());

    assertEquals("aggregate", aggregate.get("view").asText());
    assertFalse(aggregate.has("by_user"));
    assertFalse(new String(summary(token, day).body(), StandardCharsets.UTF_8).contains("@"));
    Json.assertJsonEquals(full.get("totals"), aggregate.get("totals"));
    Map<String, JsonNode> teams = new HashMap<>();
    aggregate.get("by_team").forEach(team -> teams.put(team.get("team").asText(), team));
    assertEquals(Set.of("big", "five", "other"), teams.keySet());
    for (JsonNode team : aggregate.get("by_team")) {
      assertTrue(team.get("active_users").asInt() >= SmallTeams.MIN_TEAM_SIZE, team.toString());
    }
    // "other" is the exact sum of the small teams' and the team-less users' figures.
    long otherCommits = 0;
    BigDecimal otherCost = BigDecimal.ZERO;
    int otherUsers = 0;
    for (JsonNode user : full.get("by_user")) {
      String team = user.get("team").isNull() ? "" : user.get("team").asText();
      if (sizes.get(team) < SmallTeams.MIN_TEAM_SIZE) {
        otherCommits += user.get("commits").asLong();
        otherCost = otherCost.add(user.at("/estimated_cost/amount").decimalValue());
        otherUsers++;
      }
    }
    assertEquals(7, otherUsers);
    assertEquals(otherUsers, teams.get("other").get("active_users").asInt());
    assertEquals(otherCommits, teams.get("other").get("commits").asLong());
    assertEquals(
        0, otherCost.compareTo(teams.get("other").at("/estimated_cost/amount").decimalValue()));
    assertEquals(6, teams.get("big").get("active_users").asInt());

    // team=: the merged group and big enough teams answer; a small (or unknown) team does not.
    JsonNode other =
        Json.read(summary(token, Map.of("starting_at", "2026-11-22", "team", "other")).body());
    assertEquals(otherCommits, other.at("/totals/commits").asLong());
    assertEquals(7, other.at("/totals/active_users").asInt());
    assertEquals(200, summary(token, Map.of("starting_at", "2026-11-22", "team", "five")).status());
    for (String small : List.of("four", "solo", "nobody")) {
      ApiResponse refused = summary(token, Map.of("starting_at", "2026-11-22", "team", small));
      assertEquals(403, refused.status(), small);
      assertEquals("permission_error", Json.read(refused.body()).at("/error/type").asText());
    }
    // A full token still sees every team as it is.
    assertEquals(
        200,
        summary(
                pipeline.readToken(acme, ReadView.FULL),
                Map.of("starting_at", "2026-11-22", "team", "solo"))
            .status());
    assertNotEquals(0, full.get("by_user").size());
  }
}
