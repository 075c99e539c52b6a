package ccotel.local;

import static ccotel.testing.Json.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.Fixtures;
import ccotel.testing.Json;
import ccotel.testing.Organisation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status of the real {@code ccotel local} runner, over HTTP and through the CLI: before any
 * export, and after an organisation's sessions were sent twice — each export counted once, the
 * active users of the last 7 days, and the roster members who sent nothing lately.
 */
class StatusRunnerIT {

  private static final Duration AGGREGATION_TIMEOUT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dataDir;
  private static LocalRunnerProcess runner;
  private static String connectionId;
  private static String readToken;
  private static String ingestToken;

  @BeforeAll
  static void start() throws Exception {
    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner.log"));
    JsonNode connection =
        Json.read(
            LocalRunnerProcess.cli(dataDir, "connection", "create", "--name", "org", "--json")
                .getBytes(StandardCharsets.UTF_8));
    connectionId = connection.get("connectionId").asText();
    readToken = connection.get("readToken").asText();
    ingestToken = connection.get("ingestToken").asText();
    Path roster = dataDir.resolve("roster.csv");
    Files.writeString(
        roster,
        "email,team\nada@org.example,payments\nbob@org.example,payments\neve@org.example,mobile\n");
    LocalRunnerProcess.cli(
        dataDir, "team", "import", "--connection", connectionId, "--file", roster.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (runner != null) {
      runner.close();
    }
  }

  @Test
  void beforeAndAfterAnOrganisationSentItsSessionsTwice() throws Exception {
    assertJsonEquals(
        Json.read(
            ("{\"view\":\"full\",\"last_export_at\":null,\"exports_last_24h\":0,"
                    + "\"active_users_last_7d\":0,\"silent_users\":["
                    + "{\"email\":\"ada@org.example\",\"team\":\"payments\",\"last_active\":null},"
                    + "{\"email\":\"bob@org.example\",\"team\":\"payments\",\"last_active\":null},"
                    + "{\"email\":\"eve@org.example\",\"team\":\"mobile\",\"last_active\":null}]}")
                .getBytes(StandardCharsets.UTF_8)),
        status());

    // Ada works today, Bob last did ten days ago, Eve never: only Ada is active.
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    List<Fixtures.CapturedRequest> requests =
        Organisation.requests(
            List.of(
                new Organisation.Member("ada@org.example", "uid-ada", "vscode", List.of(today)),
                new Organisation.Member(
                    "bob@org.example", "uid-bob", "vscode", List.of(today.minusDays(10)))));
    send(requests);
    JsonNode first = awaitStatus(s -> s.get("exports_last_24h").asLong() >= requests.size());
    Instant resentFrom = Instant.now();
    send(requests); // every export again, as a client retrying after lost answers would
    JsonNode after =
        awaitStatus(
            s ->
                !s.get("last_export_at").isNull()
                    && !Instant.parse(s.get("last_export_at").asText()).isBefore(resentFrom));

    assertEquals(requests.size(), first.get("exports_last_24h").asLong());
    assertEquals(requests.size(), after.get("exports_last_24h").asLong());
    assertEquals(1, after.get("active_users_last_7d").asInt());
    assertJsonEquals(
        Json.read(
            ("[{\"email\":\"eve@org.example\",\"team\":\"mobile\",\"last_active\":null},"
                    + "{\"email\":\"bob@org.example\",\"team\":\"payments\",\"last_active\":\""
                    + today.minusDays(10)
                    + "\"}]")
                .getBytes(StandardCharsets.UTF_8)),
        after.get("silent_users"));
    // The CLI prints the same for a person, and the same JSON with --json.
    assertJsonEquals(
        after,
        Json.read(
            LocalRunnerProcess.cli(
                    dataDir, "connection", "status", "--connection", connectionId, "--json")
                .getBytes(StandardCharsets.UTF_8)));
    String printed =
        LocalRunnerProcess.cli(dataDir, "connection", "status", "--connection", connectionId);
    assertTrue(printed.contains("active users, 7 days  1"), printed);
    assertTrue(printed.contains("eve@org.example"), printed);
  }

  private static void send(List<Fixtures.CapturedRequest> requests) throws Exception {
    for (Fixtures.CapturedRequest request : requests) {
      HttpResponse<String> answer =
          HTTP.send(runner.export(request, ingestToken), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), request + ": " + answer.body());
    }
  }

  private static JsonNode awaitStatus(Predicate<JsonNode> done) throws Exception {
    Instant deadline = Instant.now().plus(AGGREGATION_TIMEOUT);
    JsonNode status = status();
    while (!done.test(status) && Instant.now().isBefore(deadline)) {
      Thread.sleep(250);
      status = status();
    }
    assertTrue(done.test(status), "not reached in time: " + status);
    // One more batch may still be in flight: read again once the queue had time to drain.
    Thread.sleep(1500);
    return status();
  }

  private static ObjectNode status() throws Exception {
    HttpResponse<byte[]> answer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(runner.baseUrl() + "/api/usage/claude_code/status"))
                .header("Authorization", "Bearer " + readToken)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, answer.statusCode(), new String(answer.body(), StandardCharsets.UTF_8));
    return (ObjectNode) Json.read(answer.body());
  }
}
