package ccotel.local;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-user ingest tokens and read views (CONTRACT §7) through the admin CLI and the real {@code
 * ccotel local} runner on DynamoDB Local and ElasticMQ: what a user token sends counts for its user
 * whatever the payload says; rotation, revocation and scopes answer at once; bad input stores
 * nothing; and the runner's log holds no token or e-mail.
 */
class UserTokensRunnerIT {

  private static final Duration AGGREGATION_TIMEOUT = Duration.ofSeconds(60);
  private static final String USER = "dev.one@example.com";
  private static final String SPOOFED = "mallory@example.com";

  @TempDir static Path dataDir;
  private static LocalRunnerProcess runner;
  private static final List<String> secrets = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner.log"));
  }

  @AfterAll
  static void stopAndCheckTheLog() throws Exception {
    if (runner == null) {
      return;
    }
    runner.close();
    String log = Files.readString(dataDir.resolve("runner.log"));
    for (String secret : secrets) {
      assertFalse(log.contains(secret), "a token or e-mail in the runner's log: " + log);
    }
  }

  @Test
  void aUserTokensUsage_countsForItsUser_andRotationAndRevocationAnswerAtOnce() throws Exception {
    JsonNode connection = json(cli("connection", "create", "--name", "per-user", "--json"));
    String id = connection.get("connectionId").asText();
    String readToken = connection.get("readToken").asText();
    secrets.add(readToken);

    JsonNode issued =
        json(
            cli(
                "user",
                "token",
                "--connection",
                id,
                "--email",
                " Dev.One@Example.COM ",
                "--name",
                "Dev One",
                "--export-interval",
                "metrics=5m,logs=1m",
                "--json"));
    String userToken = issued.get("ingestToken").asText();
    secrets.addAll(List.of(userToken, USER, SPOOFED));
    assertEquals(USER, issued.get("email").asText());
    assertTrue(userToken.startsWith("ccotel_ingest_"), "prefixed");
    JsonNode env = issued.get("settings").get("env");
    assertEquals(
        "Authorization=Bearer " + userToken, env.get("OTEL_EXPORTER_OTLP_HEADERS").asText());
    assertEquals(
        "user.email=" + USER + ",user.name=Dev%20One",
        env.get("OTEL_RESOURCE_ATTRIBUTES").asText());
    assertEquals(runner.baseUrl() + "/api/otel", env.get("OTEL_EXPORTER_OTLP_ENDPOINT").asText());
    assertEquals("300000", env.get("OTEL_METRIC_EXPORT_INTERVAL").asText());
    assertEquals("60000", env.get("OTEL_LOGS_EXPORT_INTERVAL").asText());

    // The payload names someone else, by e-mail and account id: it counts for the token's user.
    assertEquals(200, export(sessions(SPOOFED, 2), userToken));
    JsonNode records = recordsEventually(readToken, 1, 2);
    assertEquals(USER, records.get(0).at("/actor/email_address").asText());
    assertFalse(records.toString().contains(SPOOFED), records.toString());

    // A user token cannot read; a read token (of any view) cannot ingest.
    assertEquals(403, query(userToken));
    JsonNode pseudonymous =
        json(
            cli(
                "connection",
                "add-read-token",
                "--connection",
                id,
                "--view",
                "pseudonymous",
                "--json"));
    String pseudonymousToken = pseudonymous.get("readToken").asText();
    secrets.add(pseudonymousToken);
    assertEquals("pseudonymous", pseudonymous.get("view").asText());
    assertTrue(pseudonymousToken.startsWith("ccotel_read_"));
    assertEquals(403, export(sessions(USER, 1), pseudonymousToken));
    assertEquals(200, query(pseudonymousToken));

    String listed = cli("user", "list", "--connection", id, "--json");
    assertFalse(listed.contains(userToken), "never the token");
    JsonNode users = json(listed);
    assertEquals(1, users.size());
    assertEquals(USER, users.get(0).get("email").asText());
    assertEquals("Dev One", users.get(0).get("name").asText());
    assertTrue(users.get(0).get("active").asBoolean());

    JsonNode rotated =
        json(cli("user", "rotate-token", "--connection", id, "--email", USER, "--json"));
    String newToken = rotated.get("ingestToken").asText();
    secrets.add(newToken);
    assertEquals(
        "user.email=" + USER + ",user.name=Dev%20One",
        rotated.get("settings").get("env").get("OTEL_RESOURCE_ATTRIBUTES").asText(),
        "the name carries over");
    assertEquals(
        "300000",
        rotated.get("settings").get("env").get("OTEL_LOGS_EXPORT_INTERVAL").asText(),
        "without --export-interval, the default");
    assertEquals(401, export(sessions(USER, 1), userToken));
    assertEquals(200, export(sessions(SPOOFED, 3), newToken));
    recordsEventually(readToken, 1, 5);

    assertTrue(
        cli("user", "revoke-token", "--connection", id, "--email", USER)
            .startsWith("revoked 1 tokens of " + USER));
    assertEquals(401, export(sessions(USER, 1), newToken));
    assertEquals(
        200, export(sessions(USER, 1), connection.get("ingestToken").asText()), "shared token");

    JsonNode summary = connectionSummary(id);
    assertEquals(1, summary.get("activeIngestTokens").asInt());
    assertEquals(0, summary.get("activeUserTokens").asInt());
    assertEquals(
        json("{\"full\":1,\"pseudonymous\":1,\"aggregate\":0}"),
        summary.get("activeReadTokensByView"));

    assertEquals(
        "revoked 1 pseudonymous read tokens of " + id + "\n",
        cli("connection", "revoke-token", "--connection", id, "--view", "pseudonymous"));
    assertEquals(401, query(pseudonymousToken));
    assertEquals(200, query(readToken));
  }

  @Test
  void badInput_isRefusedClearly_andStoresNothing() throws Exception {
    String id =
        json(cli("connection", "create", "--name", "bad input", "--json"))
            .get("connectionId")
            .asText();
    JsonNode before = connectionSummary(id);

    Run unknown = run("user", "token", "--connection", "conn_missing", "--email", "a@example.com");
    assertEquals(1, unknown.status());
    assertEquals("ccotel: no connection conn_missing\n", unknown.err());
    Run badEmail = run("user", "token", "--connection", id, "--email", "not-an-address");
    assertEquals(2, badEmail.status());
    assertTrue(badEmail.err().startsWith("ccotel: --email: not an e-mail address"), badEmail.err());
    Run badView = run("connection", "add-read-token", "--connection", id, "--view", "secret");
    assertEquals(2, badView.status());
    assertTrue(
        badView
            .err()
            .startsWith("ccotel: unknown view 'secret' (full, pseudonymous or aggregate)\n"),
        badView.err());
    Run unknownUser = run("user", "revoke-token", "--connection", id, "--email", "x@example.com");
    assertEquals(1, unknownUser.status());
    assertEquals(
        "ccotel: connection " + id + " has issued no token to that e-mail\n", unknownUser.err());
    Run unknownConnection =
        run("connection", "add-read-token", "--connection", "conn_missing", "--view", "full");
    assertEquals(1, unknownConnection.status());
    Run badInterval =
        run(
            "user",
            "token",
            "--connection",
            id,
            "--email",
            "a@example.com",
            "--export-interval",
            "metrics=1h,logs=2h");
    assertEquals(2, badInterval.status());
    assertEquals(
        "ccotel: --export-interval: logs must be from 1s to 1h, not 7200000ms\n",
        badInterval.err());
    for (Run refused :
        List.of(unknown, badEmail, badView, unknownUser, unknownConnection, badInterval)) {
      assertEquals("", refused.out(), "printed nothing, so no token");
    }

    assertEquals(before, connectionSummary(id));
    assertEquals(json("[]"), json(cli("user", "list", "--connection", id, "--json")));
  }

  @Test
  void aConnectionsShards_areSetOnCreate_andChangedOnlyDaysAhead() throws Exception {
    String created = cli("connection", "create", "--name", "sharded", "--shards", "4");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertTrue(
        created.contains("shards        4 (partition keys of its usage, from " + today + ")"),
        created);
    String id = created.lines().findFirst().orElseThrow().split("\\s+")[1];

    Run tooSoon =
        run(
            "connection",
            "set-shards",
            "--connection",
            id,
            "--shards",
            "16",
            "--from",
            today.plusDays(2).toString());
    assertEquals(2, tooSoon.status());
    assertEquals(
        "ccotel: a shard count change takes effect on "
            + today.plusDays(3)
            + " at the earliest (usage may be dated a day ahead, and layouts are cached)\n",
        tooSoon.err());
    assertEquals(
        1,
        run("connection", "set-shards", "--connection", "conn_missing", "--shards", "2").status());

    assertEquals(
        "connection "
            + id
            + ": partition keys of its usage\n"
            + "  before "
            + today
            + "  1 (its own key)\n"
            + "  from   "
            + today
            + "  4\n"
            + "  from   "
            + today.plusDays(3)
            + "  16\n",
        cli("connection", "set-shards", "--connection", id, "--shards", "16"));
  }

  private static byte[] sessions(String email, int count) {
    return OtlpRequests.metrics(email)
        .resource("user.account_uuid", "acc-" + email)
        .delta("claude_code.session.count", nanos(Instant.now().toString()), count)
        .build()
        .toByteArray();
  }

  private int export(byte[] metrics, String token) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(runner.baseUrl() + "/api/otel/v1/metrics"))
                .header("Content-Type", "application/x-protobuf")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(metrics))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray())
        .statusCode();
  }

  private HttpResponse<byte[]> usage(String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    runner.baseUrl()
                        + "/api/usage/claude_code?starting_at="
                        + LocalDate.now(ZoneOffset.UTC)))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private int query(String token) throws Exception {
    return usage(token).statusCode();
  }

  /** Waits until the day has {@code records} records with {@code sessions} sessions in all. */
  private JsonNode recordsEventually(String readToken, int records, long sessions)
      throws Exception {
    Instant deadline = Instant.now().plus(AGGREGATION_TIMEOUT);
    JsonNode data;
    long total;
    do {
      data = Json.read(usage(readToken).body()).get("data");
      total = 0;
      for (JsonNode record : data) {
        total += record.at("/core_metrics/num_sessions").asLong();
      }
      if (data.size() == records && total == sessions) {
        return data;
      }
      Thread.sleep(250);
    } while (Instant.now().isBefore(deadline));
    throw new AssertionError("expected " + sessions + " sessions in " + records + ": " + data);
  }

  private static JsonNode connectionSummary(String id) throws Exception {
    for (JsonNode connection : json(cli("connection", "list", "--json"))) {
      if (connection.get("connectionId").asText().equals(id)) {
        return connection;
      }
    }
    throw new AssertionError("no connection " + id);
  }

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> withData = new ArrayList<>(List.of(args));
    withData.addAll(List.of("--data", dataDir.toString()));
    int status =
        CcotelCli.execute(
            withData.toArray(new String[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of());
    String errText = err.toString(StandardCharsets.UTF_8);
    // Only the first line: a usage error is followed by the usage text.
    return new Run(
        status,
        out.toString(StandardCharsets.UTF_8),
        status == 2 ? errText.lines().findFirst().orElse("") + "\n" : errText);
  }

  private static String cli(String... args) throws Exception {
    return LocalRunnerProcess.cli(dataDir, args);
  }

  private static JsonNode json(String text) {
    return Json.read(text.getBytes(StandardCharsets.UTF_8));
  }
}
