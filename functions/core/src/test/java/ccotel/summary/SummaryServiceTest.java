package ccotel.summary;

import static ccotel.testing.Json.assertJsonEquals;
import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ccotel.activity.LastExportReader;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.TokenAuthorizer;
import ccotel.query.DailyUsage;
import ccotel.query.DateRange;
import ccotel.query.StoredUsage;
import ccotel.query.UsagePage;
import ccotel.teams.Membership;
import ccotel.teams.Roster;
import ccotel.teams.RosterReader;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import ccotel.testing.QueuedExports;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The summary API on the in-memory pipeline: exact sums, every section, filters and refusals. */
class SummaryServiceTest {

  private static final String OPUS = "claude-opus-4-1";
  private static final String HAIKU = "claude-haiku-4-5";

  private InMemoryPipeline pipeline;
  private ConnectionAdmin.NewConnection connection;

  @BeforeEach
  void setUp() throws Exception {
    pipeline = new InMemoryPipeline();
    connection = pipeline.admin.create("org");
    String day1 = "2026-11-24T10:00:00Z";
    // a@: on the 24th from metrics, in VS Code; its api_request's cost is not counted (metrics
    // are the source for opus that day), its request is.
    metrics(
        OtlpRequests.metrics("a@example.com")
            .delta("claude_code.session.count", nanos(day1), 1, "terminal.type", "vscode")
            .delta(
                "claude_code.cost.usage",
                nanos(day1),
                0.5,
                "model",
                OPUS,
                "terminal.type",
                "vscode")
            .delta(
                "claude_code.token.usage",
                nanos(day1),
                100,
                "model",
                OPUS,
                "type",
                "input",
                "terminal.type",
                "vscode")
            .delta("claude_code.lines_of_code.count", nanos(day1), 10, "type", "added")
            .delta("claude_code.commit.count", nanos(day1), 1)
            .delta(
                "claude_code.code_edit_tool.decision",
                nanos(day1),
                1,
                "tool_name",
                "Edit",
                "decision",
                "accept"));
    logs(
        OtlpRequests.logs("a@example.com")
            .event("user_prompt", nanos(day1), "prompt_length", "12")
            .event("tool_decision", nanos(day1), "tool_name", "Bash", "decision", "accept")
            .event("tool_decision", nanos(day1), "tool_name", "Bash", "decision", "reject")
            .event(
                "api_request",
                nanos(day1),
                "model",
                OPUS,
                "cost_usd",
                "0.5",
                "input_tokens",
                "100",
                "terminal.type",
                "vscode"));
    // a@ again on the 26th, from a sender that names no terminal.
    String day3 = "2026-11-26T23:59:59Z";
    metrics(
        OtlpRequests.metrics("a@example.com")
            .delta("claude_code.session.count", nanos(day3), 1)
            .delta("claude_code.cost.usage", nanos(day3), 0.25, "model", HAIKU));
    // b@ on the 25th: events only, in iTerm.
    String day2 = "2026-11-25T00:00:00Z";
    metrics(
        OtlpRequests.metrics("b@example.com")
            .delta("claude_code.session.count", nanos(day2), 2, "terminal.type", "iTerm.app"));
    logs(
        OtlpRequests.logs("b@example.com")
            .event(
                "api_request",
                nanos(day2),
                "model",
                HAIKU,
                "cost_usd",
                "0.125",
                "input_tokens",
                "50",
                "terminal.type",
                "iTerm.app")
            .event("api_error", nanos(day2), "model", HAIKU));
    // A user known only by user.id, on the 24th.
    metrics(
        OtlpRequests.metrics(null)
            .resource("user.id", "anon-1")
            .delta("claude_code.lines_of_code.count", nanos(day1), 5, "type", "added"));
    // Outside the range: counted, never summed here.
    metrics(
        OtlpRequests.metrics("a@example.com")
            .delta(
                "claude_code.lines_of_code.count",
                nanos("2026-11-27T00:00:00Z"),
                1000,
                "type",
                "added"));
  }

  private void metrics(OtlpRequests.MetricsBuilder request) throws Exception {
    pipeline.aggregation.aggregate(
        QueuedExports.metrics(connection.connection().id(), request.build().toByteArray()));
  }

  private void logs(OtlpRequests.LogsBuilder request) throws Exception {
    pipeline.aggregation.aggregate(
        QueuedExports.logs(connection.connection().id(), request.build().toByteArray()));
  }

  private static final String ZERO_FIGURES =
      """
      "num_sessions": 0, "lines_added": 0, "lines_removed": 0, "commits": 0,
      "pull_requests": 0, "prompts": 0, "api_requests": 0, "api_errors": 0,
      "tokens": {"input": 0, "output": 0, "cache_read": 0, "cache_creation": 0},
      "estimated_cost": {"currency": "USD", "amount": 0},
      "edit_decisions": {"accepted": 0, "rejected": 0}
      """;

  @Test
  void everySection_isTheExactSumOfItsRecords() {
    roster(Map.of("a@example.com", "core", "b@example.com", "core"));

    JsonNode summary = ok(Map.of("starting_at", "2026-11-23", "ending_at", "2026-11-26"));

    String aFigures =
        """
        "num_sessions": 2, "lines_added": 10, "lines_removed": 0, "commits": 1,
        "pull_requests": 0, "prompts": 1, "api_requests": 1, "api_errors": 0,
        "tokens": {"input": 100, "output": 0, "cache_read": 0, "cache_creation": 0},
        "estimated_cost": {"currency": "USD", "amount": 75},
        "edit_decisions": {"accepted": 1, "rejected": 0}
        """;
    String bFigures =
        """
        "num_sessions": 2, "lines_added": 0, "lines_removed": 0, "commits": 0,
        "pull_requests": 0, "prompts": 0, "api_requests": 1, "api_errors": 1,
        "tokens": {"input": 50, "output": 0, "cache_read": 0, "cache_creation": 0},
        "estimated_cost": {"currency": "USD", "amount": 12.5},
        "edit_decisions": {"accepted": 0, "rejected": 0}
        """;
    String anonFigures = ZERO_FIGURES.replace("\"lines_added\": 0", "\"lines_added\": 5");
    String expected =
        """
        {"view": "full", "starting_at": "2026-11-23", "ending_at": "2026-11-26", "last_export_at": null,
         "totals": {
           "num_sessions": 4, "lines_added": 15, "lines_removed": 0, "commits": 1,
           "pull_requests": 0, "prompts": 1, "api_requests": 2, "api_errors": 1,
           "tokens": {"input": 150, "output": 0, "cache_read": 0, "cache_creation": 0},
           "estimated_cost": {"currency": "USD", "amount": 87.5},
           "edit_decisions": {"accepted": 1, "rejected": 0},
           "active_users": 3},
         "by_day": [
           {"date": "2026-11-23", ZERO, "active_users": 0},
           {"date": "2026-11-24",
            "num_sessions": 1, "lines_added": 15, "lines_removed": 0, "commits": 1,
            "pull_requests": 0, "prompts": 1, "api_requests": 1, "api_errors": 0,
            "tokens": {"input": 100, "output": 0, "cache_read": 0, "cache_creation": 0},
            "estimated_cost": {"currency": "USD", "amount": 50},
            "edit_decisions": {"accepted": 1, "rejected": 0},
            "active_users": 2},
           {"date": "2026-11-25", B, "active_users": 1},
           {"date": "2026-11-26",
            "num_sessions": 1, "lines_added": 0, "lines_removed": 0, "commits": 0,
            "pull_requests": 0, "prompts": 0, "api_requests": 0, "api_errors": 0,
            "tokens": {"input": 0, "output": 0, "cache_read": 0, "cache_creation": 0},
            "estimated_cost": {"currency": "USD", "amount": 25},
            "edit_decisions": {"accepted": 0, "rejected": 0},
            "active_users": 1}],
         "by_user": [
           {"actor": {"type": "user_actor", "email_address": "a@example.com"}, "team": "core",
            A, "active_days": 2, "last_active": "2026-11-26"},
           {"actor": {"type": "user_actor", "email_address": "b@example.com"}, "team": "core",
            B, "active_days": 1, "last_active": "2026-11-25"},
           {"actor": {"type": "user_actor", "email_address": null, "user_id": "anon-1"},
            "team": null, ANON, "active_days": 1, "last_active": "2026-11-24"}],
         "by_team": [
           {"team": "core",
            "num_sessions": 4, "lines_added": 10, "lines_removed": 0, "commits": 1,
            "pull_requests": 0, "prompts": 1, "api_requests": 2, "api_errors": 1,
            "tokens": {"input": 150, "output": 0, "cache_read": 0, "cache_creation": 0},
            "estimated_cost": {"currency": "USD", "amount": 87.5},
            "edit_decisions": {"accepted": 1, "rejected": 0},
            "active_users": 2},
           {"team": null, ANON, "active_users": 1}],
         "by_model": [
           {"model": "claude-opus-4-1",
            "tokens": {"input": 100, "output": 0, "cache_read": 0, "cache_creation": 0},
            "estimated_cost": {"currency": "USD", "amount": 50}, "api_requests": 1},
           {"model": "claude-haiku-4-5",
            "tokens": {"input": 50, "output": 0, "cache_read": 0, "cache_creation": 0},
            "estimated_cost": {"currency": "USD", "amount": 37.5}, "api_requests": 1}],
         "by_tool": [{"tool": "Bash", "accepted": 1, "rejected": 1}],
         "by_terminal": [
           {"terminal_type": "vscode", "num_sessions": 1, "active_users": 1,
            "estimated_cost": {"currency": "USD", "amount": 50}},
           {"terminal_type": "unknown", "num_sessions": 1, "active_users": 1,
            "estimated_cost": {"currency": "USD", "amount": 25}},
           {"terminal_type": "iTerm.app", "num_sessions": 2, "active_users": 1,
            "estimated_cost": {"currency": "USD", "amount": 12.5}}]}
        """
            .replace("ZERO", ZERO_FIGURES)
            .replace("ANON", anonFigures)
            .replace("A,", aFigures + ",")
            .replace("B,", bFigures + ",");
    assertJsonEquals(json(expected), summary);
  }

  @Test
  void teamFilter_limitsEverySection_andAnUnknownTeamGivesZeros() {
    roster(Map.of("b@example.com", "core"));

    JsonNode core =
        ok(Map.of("starting_at", "2026-11-23", "ending_at", "2026-11-26", "team", "core"));
    assertEquals(1, core.get("totals").get("active_users").asInt());
    assertEquals(2, core.get("totals").get("num_sessions").asLong());
    assertEquals("12.5", core.get("totals").get("estimated_cost").get("amount").asText());
    assertEquals(1, core.get("by_user").size());
    assertEquals(
        "b@example.com", core.get("by_user").get(0).get("actor").get("email_address").asText());
    assertEquals(1, core.get("by_team").size());
    assertEquals("core", core.get("by_team").get(0).get("team").asText());
    assertEquals(1, core.get("by_terminal").size());
    assertEquals(0, core.get("by_tool").size());

    JsonNode nobody =
        ok(Map.of("starting_at", "2026-11-23", "ending_at", "2026-11-26", "team", "sales"));
    assertJsonEquals(json("{" + ZERO_FIGURES + ", \"active_users\": 0}"), nobody.get("totals"));
    assertEquals(4, nobody.get("by_day").size());
    for (String section : List.of("by_user", "by_team", "by_model", "by_tool", "by_terminal")) {
      assertEquals(0, nobody.get(section).size(), section);
    }
  }

  @Test
  void aSubWindow_sumsOnlyItsDays() {
    JsonNode day = ok(Map.of("starting_at", "2026-11-25"));

    assertEquals("2026-11-25", day.get("ending_at").asText());
    assertEquals(1, day.get("by_day").size());
    assertEquals(1, day.get("totals").get("active_users").asInt());
    assertEquals("12.5", day.get("totals").get("estimated_cost").get("amount").asText());
    assertEquals(
        "b@example.com", day.get("by_user").get(0).get("actor").get("email_address").asText());
  }

  @Test
  void everyPageOfALongRange_isSummed() throws Exception {
    InMemoryPipeline many = new InMemoryPipeline();
    ConnectionAdmin.NewConnection org = many.admin.create("big");
    int users = SummaryService.READ_PAGE + 5;
    for (int user = 0; user < users; user++) {
      byte[] body =
          OtlpRequests.metrics("user" + user + "@example.com")
              .delta(
                  "claude_code.lines_of_code.count",
                  nanos("2026-11-24T12:00:00Z"),
                  2,
                  "type",
                  "added")
              .build()
              .toByteArray();
      many.aggregation.aggregate(QueuedExports.metrics(org.connection().id(), body));
    }

    ApiResponse answer =
        many.summary(org.readToken().value(), Map.of("starting_at", "2026-11-24"), Map.of());

    assertEquals(200, answer.status(), answer.bodyText());
    JsonNode summary = Json.read(answer.body());
    assertEquals(users, summary.get("totals").get("active_users").asInt());
    assertEquals(2L * users, summary.get("totals").get("lines_added").asLong());
    assertEquals(users, summary.get("by_user").size());
    // Equal cost: ordered by actor, as text ('0' < '1' < '@').
    List<String> first = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      first.add(summary.get("by_user").get(i).get("actor").get("email_address").asText());
    }
    assertEquals(
        List.of("user0@example.com", "user1000@example.com", "user1001@example.com"), first);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no starting_at|||",
        "not a date|2026-13-01||",
        "reversed|2026-11-25|2026-11-24|",
        "too long|2025-01-01|2026-01-02|",
        "before 2020|2019-12-31||",
        "repeated starting_at|2026-11-24,2026-11-25||",
        "repeated ending_at|2026-11-24|2026-11-25,2026-11-26|",
      })
  void badDates_areThe400sOfTheUsageApi(String name, String from, String to, String unused) {
    Map<String, String> parameters = new HashMap<>();
    if (from != null) {
      parameters.put("starting_at", from);
    }
    if (to != null) {
      parameters.put("ending_at", to);
    }

    ApiResponse summary = pipeline.summary(readToken(), parameters, Map.of());
    ApiResponse usage = pipeline.query(readToken(), parameters);

    assertEquals(400, summary.status(), summary.bodyText());
    assertEquals(400, usage.status(), usage.bodyText());
    assertJsonEquals(Json.read(usage.body()), Json.read(summary.body()));
  }

  @ParameterizedTest(name = "team=''{0}''")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|team must name a team; leave it out to read everyone",
        "a,b|team must be given once"
      })
  void anEmptyOrRepeatedTeam_is400(String team, String message) {
    ApiResponse answer =
        pipeline.summary(readToken(), Map.of("starting_at", "2026-11-24", "team", team), Map.of());

    assertEquals(400, answer.status());
    assertEquals(message, Json.read(answer.body()).get("error").get("message").asText());
  }

  @Test
  void tokens_areCheckedAsTheUsageApiChecksThem() {
    Map<String, String> day = Map.of("starting_at", "2026-11-24");

    ApiResponse ingest = pipeline.summary(connection.ingestToken().value(), day, Map.of());
    assertEquals(403, ingest.status());
    assertEquals("permission_error", Json.read(ingest.body()).get("error").get("type").asText());

    ApiResponse unknown = pipeline.summary("ccotel_read_nobodyHasThis", day, Map.of());
    assertEquals(401, unknown.status());
    assertEquals("Bearer", unknown.headers().get("WWW-Authenticate"));

    ApiResponse none =
        pipeline.summary.summarize(
            new ApiRequest("GET", SummaryService.PATH, Map.of(), day, new byte[0]));
    assertEquals(401, none.status());
  }

  @Test
  void csvOnly_is406_butJsonAmongOthers_isAnswered() {
    Map<String, String> day = Map.of("starting_at", "2026-11-24");

    assertEquals(406, pipeline.summary(readToken(), day, Map.of("Accept", "text/csv")).status());
    ApiResponse either =
        pipeline.summary(readToken(), day, Map.of("Accept", "text/csv, application/json;q=0.5"));
    assertEquals(200, either.status());
    assertEquals("application/json", either.headers().get("Content-Type"));
  }

  @Test
  void otherMethods_are405() {
    ApiResponse post =
        pipeline.summary.summarize(
            new ApiRequest(
                "POST",
                SummaryService.PATH,
                Map.of("Authorization", "Bearer " + readToken()),
                Map.of("starting_at", "2026-11-24"),
                new byte[0]));

    assertEquals(405, post.status());
    assertEquals("GET", post.headers().get("Allow"));
  }

  @Test
  void sumsPastALong_areRefusedWith422_neverWrapped() {
    // Stored values a store with limits never holds (each counter is at most 10^18 per user-day).
    StoredUsage huge1 = huge("x@example.com");
    StoredUsage huge2 = huge("y@example.com");
    SummaryService summary =
        new SummaryService(
            new TokenAuthorizer(pipeline.registry),
            (connectionId, from, to, limit, cursor) ->
                new UsagePage(List.of(huge1, huge2), Optional.empty()),
            RosterReader.NONE,
            LastExportReader.NONE);

    ApiResponse answer =
        summary.summarize(
            new ApiRequest(
                "GET",
                SummaryService.PATH,
                Map.of("Authorization", "Bearer " + readToken()),
                Map.of("starting_at", "2026-11-24"),
                new byte[0]));

    assertEquals(422, answer.status(), answer.bodyText());
    assertThrows(
        ArithmeticException.class,
        () ->
            UsageSummary.of(
                new DateRange(LocalDate.parse("2026-11-24"), LocalDate.parse("2026-11-24")),
                List.of(DailyUsage.of(huge1), DailyUsage.of(huge2)),
                Optional.empty(),
                Optional.empty()));
  }

  private static StoredUsage huge(String email) {
    return StoredUsage.of(
        new UsageKey(LocalDate.parse("2026-11-24"), UserIdentity.email(email)),
        Map.of(Counter.of(CounterFamily.LINES_ADDED), Long.MAX_VALUE / 2 + 1));
  }

  private String readToken() {
    return connection.readToken().value();
  }

  private JsonNode ok(Map<String, String> parameters) {
    ApiResponse answer = pipeline.summary(readToken(), parameters, Map.of());
    assertEquals(200, answer.status(), answer.bodyText());
    assertEquals("application/json", answer.headers().get("Content-Type"));
    return Json.read(answer.body());
  }

  private static JsonNode json(String text) {
    return Json.read(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Makes these e-mails' teams the connection's roster. */
  private void roster(Map<String, String> teams) {
    Map<String, Membership> members = new HashMap<>();
    teams.forEach((email, team) -> members.put(email, Membership.of(team, null, null)));
    pipeline.rosters.replace(connection.connection().id(), Roster.of(members));
  }
}
