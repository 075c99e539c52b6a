package ccotel.query;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.ReadView;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import ccotel.testing.QueuedExports;
import ccotel.views.ActorDisplay;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The query API: validation, paging, isolation between connections, CSV. */
class UsageQueryServiceTest {

  private InMemoryPipeline pipeline;
  private ConnectionAdmin.NewConnection connection;

  @BeforeEach
  void setUp() throws Exception {
    pipeline = new InMemoryPipeline();
    connection = pipeline.admin.create("team");
    // 5 users on 2026-11-24, 2 on 2026-11-25, 1 on 2026-11-26.
    for (int user = 0; user < 5; user++) {
      count(connection, "user" + user + "@example.com", "2026-11-24T12:00:00Z", user + 1);
    }
    count(connection, "a@example.com", "2026-11-25T12:00:00Z", 10);
    count(connection, "b@example.com", "2026-11-25T12:00:00Z", 20);
    count(connection, "a@example.com", "2026-11-26T12:00:00Z", 30);
  }

  private void count(ConnectionAdmin.NewConnection target, String email, String time, int commits)
      throws Exception {
    byte[] body =
        OtlpRequests.metrics(email)
            .delta("claude_code.commit.count", nanos(time), commits)
            .delta("claude_code.cost.usage", nanos(time), 0.0125, "model", "claude-opus-4-1")
            .build()
            .toByteArray();
    pipeline.aggregation.aggregate(QueuedExports.metrics(target.connection().id(), body));
  }

  @Test
  void startingAtAlone_isThatDay() {
    JsonNode answer = ok(Map.of("starting_at", "2026-11-25"));

    assertEquals(List.of("a@example.com", "b@example.com"), emails(answer));
    assertEquals(
        10, answer.get("data").get(0).get("core_metrics").get("commits_by_claude_code").asInt());
    assertEquals(
        "1.25",
        answer
            .get("data")
            .get(0)
            .get("model_breakdown")
            .get(0)
            .get("estimated_cost")
            .get("amount")
            .decimalValue()
            .toPlainString());
    assertEquals(false, answer.get("has_more").asBoolean());
    assertTrue(answer.get("next_page").isNull());
  }

  @Test
  void endingAt_extendsToAnInclusiveRange_orderedByDateThenActor() {
    JsonNode answer = ok(Map.of("starting_at", "2026-11-25", "ending_at", "2026-11-26"));

    assertEquals(List.of("a@example.com", "b@example.com", "a@example.com"), emails(answer));
    List<String> dates = new ArrayList<>();
    answer.get("data").forEach(r -> dates.add(r.get("date").asText()));
    assertEquals(
        List.of("2026-11-25T00:00:00Z", "2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z"), dates);
  }

  @Test
  void pages_coverEveryRecordOnce() {
    List<String> seen = new ArrayList<>();
    Map<String, String> parameters =
        new HashMap<>(Map.of("starting_at", "2026-11-24", "ending_at", "2026-11-26", "limit", "3"));
    int pages = 0;
    while (true) {
      JsonNode answer = ok(parameters);
      seen.addAll(emails(answer));
      pages++;
      if (!answer.get("has_more").asBoolean()) {
        assertTrue(answer.get("next_page").isNull());
        break;
      }
      parameters.put("page", answer.get("next_page").asText());
    }
    assertEquals(3, pages);
    assertEquals(
        List.of(
            "user0@example.com",
            "user1@example.com",
            "user2@example.com",
            "user3@example.com",
            "user4@example.com",
            "a@example.com",
            "b@example.com",
            "a@example.com"),
        seen);
  }

  @Test
  void defaultLimit_is20() throws Exception {
    for (int user = 0; user < 25; user++) {
      count(connection, "bulk" + user + "@example.com", "2026-11-27T12:00:00Z", 1);
    }
    JsonNode answer = ok(Map.of("starting_at", "2026-11-27"));
    assertEquals(20, answer.get("data").size());
    assertEquals(true, answer.get("has_more").asBoolean());
  }

  @Test
  void anotherConnectionsReadToken_seesOnlyItsOwnData() throws Exception {
    ConnectionAdmin.NewConnection other = pipeline.admin.create("other team");
    count(other, "someone@example.com", "2026-11-25T12:00:00Z", 1);

    ApiResponse answer =
        pipeline.query(other.readToken().value(), Map.of("starting_at", "2026-11-25"));

    assertEquals(List.of("someone@example.com"), emails(Json.read(answer.body())));
  }

  @Test
  void anotherConnectionsViewTokens_seeNothingOfThisOne() throws Exception {
    ConnectionAdmin.NewConnection other = pipeline.admin.create("other team");
    pipeline.pseudonymKeys.put(
        other.connection().id(),
        pipeline.registry.pseudonymKey(other.connection().id()).orElseThrow().bytes());
    for (ReadView view : List.of(ReadView.FULL, ReadView.PSEUDONYMOUS)) {
      String token = pipeline.admin.addReadToken(other.connection().id(), view).value();

      ApiResponse answer = pipeline.query(token, Map.of("starting_at", "2026-11-24"));

      assertEquals(200, answer.status(), view + ": " + answer.bodyText());
      assertEquals(0, Json.read(answer.body()).get("data").size(), view.label());
    }
  }

  @Test
  void aPageCursorOfAnotherConnection_revealsNothingOfIt() {
    JsonNode first = ok(Map.of("starting_at", "2026-11-24", "limit", "1"));
    ConnectionAdmin.NewConnection other = pipeline.admin.create("other team");

    ApiResponse answer =
        pipeline.query(
            other.readToken().value(),
            Map.of("starting_at", "2026-11-24", "page", first.get("next_page").asText()));

    assertEquals(200, answer.status());
    assertEquals(0, Json.read(answer.body()).get("data").size());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "after the cursor's day | 2026-11-25 | 2026-11-26",
        "before the cursor's day | 2026-11-20 | 2026-11-23"
      })
  void aPageCursorOutsideTheRequestedDates_is400(String name, String startingAt, String endingAt) {
    JsonNode first = ok(Map.of("starting_at", "2026-11-24", "limit", "1"));

    ApiResponse answer =
        pipeline.query(
            connection.readToken().value(),
            Map.of(
                "starting_at",
                startingAt,
                "ending_at",
                endingAt,
                "page",
                first.get("next_page").asText()));

    assertEquals(400, answer.status(), answer.bodyText());
    assertEquals(
        "invalid page cursor: it was made for other dates; ask again without page",
        Json.read(answer.body()).get("error").get("message").asText());
  }

  @CsvSource(
      delimiter = '|',
      value = {
        "no starting_at | | | | 400",
        "bad date | 2026-13-01 | | | 400",
        "ending before starting | 2026-11-25 | 2026-11-24 | | 400",
        "range too long | 2025-01-01 | 2026-11-24 | | 400",
        "limit zero | 2026-11-24 | | 0 | 400",
        "limit over 1000 | 2026-11-24 | | 1001 | 400",
        "limit not a number | 2026-11-24 | | ten | 400",
        "limit 1000 | 2026-11-24 | | 1000 | 200",
        "starting_at in year -999999999 | -999999999-01-01 | | | 400",
        "starting_at in year +999999999 | +999999999-12-31 | | | 400",
        "both far in the past | -999999999-01-01 | -999999999-01-02 | | 400",
        "ending_at past 9999 | 9999-12-31 | +10000-01-01 | | 400",
        "starting_at before 2020 | 2019-12-31 | 2020-01-01 | | 400",
        "first day | 2020-01-01 | | | 200",
        "last day | 9999-12-31 | | | 200"
      })
  void parameters_areValidated(
      String name, String startingAt, String endingAt, String limit, int status) {
    Map<String, String> parameters = new HashMap<>();
    if (startingAt != null) {
      parameters.put("starting_at", startingAt);
    }
    if (endingAt != null) {
      parameters.put("ending_at", endingAt);
    }
    if (limit != null) {
      parameters.put("limit", limit);
    }
    ApiResponse answer = pipeline.query(connection.readToken().value(), parameters);

    assertEquals(status, answer.status(), answer.bodyText());
    if (status == 400) {
      assertEquals(
          "invalid_request_error", Json.read(answer.body()).get("error").get("type").asText());
    }
  }

  @Test
  void garbagePageCursor_is400() {
    ApiResponse answer =
        pipeline.query(
            connection.readToken().value(), Map.of("starting_at", "2026-11-24", "page", "!!!"));
    assertEquals(400, answer.status());
  }

  @Test
  void tokens_areChecked() {
    assertEquals(
        401, pipeline.query("ccotel_read_unknown", Map.of("starting_at", "2026-11-24")).status());
    assertEquals(
        403,
        pipeline
            .query(connection.ingestToken().value(), Map.of("starting_at", "2026-11-24"))
            .status());
    ApiResponse noHeader =
        pipeline.query.query(
            new ApiRequest(
                "GET",
                UsageQueryService.PATH,
                Map.of(),
                Map.of("starting_at", "2026-11-24"),
                null));
    assertEquals(401, noHeader.status());
  }

  @Test
  void wrongMethodAndPath() {
    ApiResponse post =
        pipeline.query.query(
            new ApiRequest("POST", UsageQueryService.PATH, Map.of(), Map.of(), null));
    ApiResponse other =
        pipeline.query.query(new ApiRequest("GET", "/api/usage/other", Map.of(), Map.of(), null));
    assertEquals(405, post.status());
    assertEquals(404, other.status());
  }

  @Test
  void csv_isOneRowPerUserDayAndModel() {
    ApiResponse answer =
        pipeline.queryCsv(connection.readToken().value(), Map.of("starting_at", "2026-11-25"));

    assertEquals(200, answer.status());
    assertEquals("text/csv; charset=utf-8", answer.headers().get("Content-Type"));
    String[] lines = answer.bodyText().split("\r\n");
    assertEquals(UsageCsv.header(ActorDisplay.FULL), lines[0]);
    assertEquals(3, lines.length);
    assertEquals(
        "2026-11-25,a@example.com,,,,,0,0,0,10,0,0,0,0,0,0,0,0,0,0,0,0,claude-opus-4-1,0,0,0,0,1.25,"
            + "0",
        lines[1]);
  }

  @ParameterizedTest(name = "Accept: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "text/csv;q=0.9, application/json;q=0.1 | 200 | text/csv; charset=utf-8",
        "application/json;q=0, text/csv;q=0.1   | 200 | text/csv; charset=utf-8",
        "text/csv;q=0, application/json         | 200 | application/json",
        "application/json, text/csv;q=0.5       | 200 | application/json",
        "text/csv;q=0.5, application/json;q=0.5 | 200 | application/json",
        "TEXT/CSV; charset=utf-8                | 200 | text/csv; charset=utf-8",
        "text/*                                 | 200 | text/csv; charset=utf-8",
        "text/*;q=0.8, */*;q=0.1                | 200 | text/csv; charset=utf-8",
        "*/*                                    | 200 | application/json",
        "text/csv;q=0, */*                      | 200 | application/json",
        "text/html, application/*;q=0.2         | 200 | application/json",
        "application/json;q=0                   | 406 | application/json",
        "text/html                              | 406 | application/json",
        "text/csv;q=zero                        | 406 | application/json",
      })
  void accept_isNegotiatedByQValue(String accept, int status, String contentType) {
    ApiResponse answer =
        pipeline.query.query(
            new ApiRequest(
                "GET",
                UsageQueryService.PATH,
                Map.of(
                    "Authorization", "Bearer " + connection.readToken().value(), "Accept", accept),
                Map.of("starting_at", "2026-11-25"),
                null));

    assertEquals(status, answer.status(), answer.bodyText());
    assertEquals(contentType, answer.headers().get("Content-Type"));
    if (status == 406) {
      assertEquals(
          "not acceptable: this API answers application/json or text/csv; ask for either in"
              + " Accept",
          Json.read(answer.body()).get("error").get("message").asText());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "starting_at | 2026-11-24,2026-11-25",
        "ending_at   | 2026-11-25,2026-11-26",
        "limit       | 1,2",
        "page        | a,b",
      })
  void aParameterGivenTwice_asApiGatewayJoinsIt_is400(String name, String joined) {
    Map<String, String> parameters = new HashMap<>(Map.of("starting_at", "2026-11-24"));
    parameters.put(name, joined);

    ApiResponse answer = pipeline.query(connection.readToken().value(), parameters);

    assertEquals(400, answer.status(), answer.bodyText());
    assertEquals(
        name + " must be given once",
        Json.read(answer.body()).get("error").get("message").asText());
  }

  @Test
  void csvFields_cannotBecomeFormulas() {
    assertEquals("\"'=HYPERLINK(\"\"x\"\")\"", UsageCsv.field("=HYPERLINK(\"x\")"));
    assertEquals("'@SUM(A1)", UsageCsv.field("@SUM(A1)"));
    assertEquals("\"a,b\"", UsageCsv.field("a,b"));
  }

  @Test
  void csvFields_cannotBecomeFormulas_evenBehindBlanksOrLookAlikes() {
    Map<String, String> neutralised = new LinkedHashMap<>();
    neutralised.put(" =1+1", "' =1+1"); // space
    neutralised.put("\u00A0=1+1", "'\u00A0=1+1"); // no-break space
    neutralised.put("\u3000=1+1", "'\u3000=1+1"); // ideographic space
    neutralised.put("\u200B=1+1", "'\u200B=1+1"); // zero-width space
    neutralised.put("\t=1+1", "'\uFFFD=1+1"); // control characters are replaced too
    neutralised.put("\r=1+1", "'\uFFFD=1+1"); // CR
    neutralised.put("\uFF1D1+1", "'\uFF1D1+1"); // full-width =
    neutralised.put("\uFF0B1+1", "'\uFF0B1+1"); // full-width +
    neutralised.put("\uFF0D1+1", "'\uFF0D1+1"); // full-width -
    neutralised.put("\uFF20SUM(A1)", "'\uFF20SUM(A1)"); // full-width @
    neutralised.put("\uFE66A1", "'\uFE66A1"); // small =
    neutralised.put("\u22121", "'\u22121"); // minus sign
    neutralised.put("-1+1", "'-1+1");
    neutralised.put("dev\u0000@example.com", "dev\uFFFD@example.com");
    neutralised.put("dev@example.com", "dev@example.com");
    neutralised.forEach(
        (value, expected) -> assertEquals(expected, UsageCsv.field(value), "for " + value));
  }

  private JsonNode ok(Map<String, String> parameters) {
    ApiResponse answer = pipeline.query(connection.readToken().value(), parameters);
    assertEquals(200, answer.status(), answer.bodyText());
    assertEquals("application/json", answer.headers().get("Content-Type"));
    return Json.read(answer.body());
  }

  private static List<String> emails(JsonNode answer) {
    List<String> emails = new ArrayList<>();
    answer.get("data").forEach(r -> emails.add(r.get("actor").get("email_address").asText()));
    return emails;
  }
}
