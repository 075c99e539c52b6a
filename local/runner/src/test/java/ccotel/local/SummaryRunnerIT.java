package ccotel.local;

import static ccotel.testing.Json.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.Fixtures;
import ccotel.testing.Json;
import ccotel.testing.Organisation;
import ccotel.testing.RecordSums;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The summary API of the real {@code ccotel local} runner, over HTTP, for an organisation replayed
 * from the captured session: every part equals the sums of the §4 records the same runner answers
 * for the same range; the last export time is that of the replay.
 */
class SummaryRunnerIT {

  private static final Duration AGGREGATION_TIMEOUT = Duration.ofSeconds(90);

  @TempDir static Path dataDir;
  private static LocalRunnerProcess runner;
  private static String readToken;
  private static String connectionId;
  private static String ingestToken;
  private static Instant sentFrom;
  private static Instant sentUntil;
  private static final List<Organisation.Member> MEMBERS = Organisation.members();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void replayTheOrganisation() throws Exception {
    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner.log"));
    JsonNode connection =
        Json.read(
            LocalRunnerProcess.cli(dataDir, "connection", "create", "--name", "org", "--json")
                .getBytes(StandardCharsets.UTF_8));
    readToken = connection.get("readToken").asText();
    connectionId = connection.get("connectionId").asText();
    ingestToken = connection.get("ingestToken").asText();
    sentFrom = Instant.now();
    for (Fixtures.CapturedRequest request : Organisation.requests(MEMBERS)) {
      HttpResponse<String> answer =
          HTTP.send(runner.export(request, ingestToken), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), request + ": " + answer.body());
    }
    sentUntil = Instant.now();
    // The aggregator runs behind the queue: wait for every record, then demand them exactly.
    List<JsonNode> expected = Organisation.expectedRecords(MEMBERS);
    Instant deadline = Instant.now().plus(AGGREGATION_TIMEOUT);
    List<JsonNode> records = records(first(), last());
    while (!sameRecords(expected, records) && Instant.now().isBefore(deadline)) {
      Thread.sleep(250);
      records = records(first(), last());
    }
    assertEquals(expected.size(), records.size());
    for (int i = 0; i < expected.size(); i++) {
      assertJsonEquals(expected.get(i), records.get(i));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (runner != null) {
      runner.close();
    }
  }

  @Test
  void theWholeRange_isTheSumOfItsRecords_withTheLastExportTime() throws Exception {
    ObjectNode summary = summary(first().minusDays(1), last(), Optional.empty());

    JsonNode lastExport = summary.remove("last_export_at");
    Instant at = Instant.parse(lastExport.asText());
    assertFalse(at.isBefore(sentFrom), at + " before the replay began at " + sentFrom);
    assertFalse(at.isAfter(sentUntil), at + " after the replay ended at " + sentUntil);
    assertJsonEquals(
        RecordSums.summary(
            records(first().minusDays(1), last()), first().minusDays(1), last(), Optional.empty()),
        summary);
    // The organisation's shape, so that the comparison above covers every part.
    assertEquals(MEMBERS.size(), summary.get("by_user").size());
    assertEquals(4, summary.get("by_terminal").size());
    assertEquals(7, summary.get("by_day").size());
    assertEquals(0, summary.get("by_day").get(4).get("active_users").asInt()); // nobody's day
  }

  @Test
  void aSubWindow_isTheSumOfItsRecords() throws Exception {
    LocalDate from = first().plusDays(1);
    LocalDate to = first().plusDays(2);
    ObjectNode summary = summary(from, to, Optional.empty());
    summary.remove("last_export_at");

    assertJsonEquals(RecordSums.summary(records(from, to), from, to, Optional.empty()), summary);
  }

  @Test
  void aTeamFilter_isTheSumOfThatTeamsRecords() throws Exception {
    for (String team : List.of("mobile", "nobody")) {
      ObjectNode summary = summary(first(), last(), Optional.of(team));
      summary.remove("last_export_at");

      assertJsonEquals(
          RecordSums.summary(records(first(), last()), first(), last(), Optional.of(team)),
          summary);
    }
    // cy and the anonymous member send team=mobile (the roster test below leaves them alone).
    assertEquals(
        2,
        summary(first(), last(), Optional.of("mobile")).get("totals").get("active_users").asInt());
  }

  @Test
  void teamImport_throughTheCli_replacesTheRoster_andRefusesABadFileWholly() throws Exception {
    String connectionId = connectionId();
    Path file = dataDir.resolve("roster.csv");
    Files.writeString(
        file,
        "email,team,department,cost_center\n"
            + "Ada@Org.Example,platform,eng,cc-1\n"
            + "\"bob@org.example\",\"platform\",,\n"
            + "dee@org.example,data,\"R&D, Berlin\",\n");
    String imported =
        LocalRunnerProcess.cli(
            dataDir, "team", "import", "--connection", connectionId, "--file", file.toString());
    assertTrue(imported.startsWith("imported 3 members"), imported);
    assertEquals(
        Json.read(
            ("[{\"email\":\"ada@org.example\",\"team\":\"platform\",\"department\":\"eng\","
                    + "\"cost_center\":\"cc-1\"},"
                    + "{\"email\":\"bob@org.example\",\"team\":\"platform\",\"department\":null,"
                    + "\"cost_center\":null},"
                    + "{\"email\":\"dee@org.example\",\"team\":\"data\","
                    + "\"department\":\"R&D, Berlin\","
                    + "\"cost_center\":null}]")
                .getBytes(StandardCharsets.UTF_8)),
        rosterList(connectionId));

    List<JsonNode> all = records(first(), last());
    for (JsonNode record : all) {
      String actor = Organisation.actorValue(record.get("actor"));
      String expected =
          switch (actor) {
            case "ada@org.example", "bob@org.example" -> "platform";
            case "dee@org.example" -> "data";
            default -> "mobile"; // cy and the anonymous member, by their attribute
          };
      assertEquals(expected, record.at("/ccotel/team").asText(), record.toString());
    }
    for (String team : List.of("platform", "data", "mobile")) {
      ObjectNode summary = summary(first(), last(), Optional.of(team));
      summary.remove("last_export_at");
      assertJsonEquals(RecordSums.summary(all, first(), last(), Optional.of(team)), summary);
      List<JsonNode> teamRecords = records(first(), last(), Optional.of(team), 2);
      assertEquals(
          all.stream().filter(r -> team.equals(r.at("/ccotel/team").asText())).toList(),
          teamRecords);
    }
    ObjectNode everyone = summary(first(), last(), Optional.empty());
    everyone.remove("last_export_at");
    assertJsonEquals(RecordSums.summary(all, first(), last(), Optional.empty()), everyone);
    assertEquals(3, everyone.get("by_team").size());

    // A malformed file (a duplicate e-mail, in another case, on line 3) changes nothing.
    Files.writeString(file, "email,team\nada@org.example,core\nADA@org.example,other\n");
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LocalRunnerProcess.cli(
                    dataDir,
                    "team",
                    "import",
                    "--connection",
                    connectionId,
                    "--file",
                    file.toString()));
    assertTrue(refused.getMessage().contains("line 3: "), refused.getMessage());
    assertEquals(3, rosterList(connectionId).size());

    // A second import replaces the roster: bob and dee are no longer on it.
    Files.writeString(file, "email,team\nada@org.example,core\n");
    LocalRunnerProcess.cli(
        dataDir, "team", "import", "--connection", connectionId, "--file", file.toString());
    assertEquals(1, rosterList(connectionId).size());
    String table = LocalRunnerProcess.cli(dataDir, "team", "list", "--connection", connectionId);
    assertTrue(table.contains("ada@org.example") && !table.contains("bob@"), table);
    for (JsonNode record : records(first(), last())) {
      String actor = Organisation.actorValue(record.get("actor"));
      JsonNode team = record.at("/ccotel/team");
      switch (actor) {
        case "ada@org.example" -> assertEquals("core", team.asText());
        case "bob@org.example", "dee@org.example" -> assertTrue(team.isNull(), record.toString());
        default -> assertEquals("mobile", team.asText());
      }
    }
  }

  @Test
  void refusals_travelTheFrontDoor() throws Exception {
    String day = "?starting_at=" + first();
    assertEquals(403, get(day, ingestToken, "application/json").statusCode());
    assertEquals(401, get(day, "ccotel_read_nobodyHasThis", "application/json").statusCode());
    assertEquals(406, get(day, readToken, "text/csv").statusCode());
    HttpResponse<String> repeated =
        get("?starting_at=" + first() + "&starting_at=" + last(), readToken, "application/json");
    assertEquals(400, repeated.statusCode());
    assertTrue(repeated.body().contains("starting_at must be given once"), repeated.body());
  }

  private static LocalDate first() {
    return Organisation.captureDay().minusDays(5);
  }

  private static LocalDate last() {
    return Organisation.captureDay();
  }

  private static ObjectNode summary(LocalDate from, LocalDate to, Optional<String> team)
      throws Exception {
    String query =
        "?starting_at="
            + from
            + "&ending_at="
            + to
            + team.map(t -> "&team=" + URLEncoder.encode(t, StandardCharsets.UTF_8)).orElse("");
    HttpResponse<String> answer = get(query, readToken, "application/json");
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(""));
    return (ObjectNode) Json.read(answer.body().getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> get(String query, String token, String accept)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create(runner.baseUrl() + "/api/usage/claude_code/summary" + query))
            .header("Authorization", "Bearer " + token)
            .header("Accept", accept)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Every §4 record of the range, page by page as a client reads them. */
  private static List<JsonNode> records(LocalDate from, LocalDate to) throws Exception {
    return records(from, to, Optional.empty(), 7);
  }

  /** The §4 records of the range (of {@code team=}, if given), {@code limit} a page. */
  private static List<JsonNode> records(
      LocalDate from, LocalDate to, Optional<String> team, int limit) throws Exception {
    List<JsonNode> records = new ArrayList<>();
    String page = null;
    do {
      String uri =
          runner.baseUrl()
              + "/api/usage/claude_code?starting_at="
              + from
              + "&ending_at="
              + to
              + "&limit="
              + limit
              + team.map(t -> "&team=" + URLEncoder.encode(t, StandardCharsets.UTF_8)).orElse("")
              + (page == null ? "" : "&page=" + page);
      HttpResponse<byte[]> answer =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(uri))
                  .header("Authorization", "Bearer " + readToken)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, answer.statusCode());
      JsonNode body = Json.read(answer.body());
      body.get("data").forEach(records::add);
      page = body.get("next_page").isNull() ? null : body.get("next_page").asText();
    } while (page != null);
    return records;
  }

  private static JsonNode rosterList(String connectionId) throws Exception {
    return Json.read(
        LocalRunnerProcess.cli(dataDir, "team", "list", "--connection", connectionId, "--json")
            .getBytes(StandardCharsets.UTF_8));
  }

  private static String connectionId() {
    return connectionId;
  }

  private static boolean sameRecords(List<JsonNode> expected, List<JsonNode> actual) {
    if (expected.size() != actual.size()) {
      return false;
    }
    for (int i = 0; i < expected.size(); i++) {
      if (!Json.jsonEquals(expected.get(i), actual.get(i))) {
        return false;
      }
    }
    return true;
  }
}
