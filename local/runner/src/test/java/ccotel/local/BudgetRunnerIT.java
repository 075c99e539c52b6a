package ccotel.local;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budgets on the real {@code ccotel local} runner: the CLI refuses bad input and stores nothing;
 * exports sent twice over HTTP that take users over budget give one CONTRACT §8 line per user-day
 * in {@code alerts.jsonl}, and {@code budget alerts} shows them delivered.
 */
class BudgetRunnerIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dataDir;
  private static LocalRunnerProcess runner;
  private static String connectionId;
  private static String ingestToken;

  @BeforeAll
  static void start() throws Exception {
    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner.log"));
    JsonNode connection =
        Json.read(
            LocalRunnerProcess.cli(dataDir, "connection", "create", "--name", "budget", "--json")
                .getBytes(StandardCharsets.UTF_8));
    connectionId = connection.get("connectionId").asText();
    ingestToken = connection.get("ingestToken").asText();
  }

  @AfterAll
  static void stop() throws Exception {
    if (runner != null) {
      runner.close();
    }
  }

  @Test
  void badInput_isRefusedWithAReason_andNothingIsStored() throws Exception {
    String other = createConnection("refusals");
    List<List<String>> refused =
        List.of(
            List.of("--daily-cost-usd", "-5"),
            List.of("--daily-cost-usd", "0"),
            List.of("--daily-cost-usd", "ten"),
            List.of("--daily-cost-usd", "NaN"),
            List.of("--daily-cost-usd", "Infinity"),
            List.of("--daily-cost-usd", "1e9"),
            List.of("--daily-cost-usd", "5", "--webhook", "http://hooks.example.com/x"),
            List.of("--daily-cost-usd", "5", "--webhook", "not a url"),
            List.of("--daily-cost-usd", "5", "--webhook", "ftp://hooks.example.com/x"),
            List.of("--daily-cost-usd", "5", "--rotate-secret"));
    for (List<String> options : refused) {
      List<String> args = new ArrayList<>(List.of("budget", "set", "--connection", other));
      args.addAll(options);
      Run run = cli(args);
      assertNotEquals(0, run.status(), options + " was accepted: " + run.out());
      assertTrue(run.err().contains("ccotel: --"), options + ": " + run.err());
    }
    Run unknown =
        cli(List.of("budget", "set", "--connection", "conn_nobody", "--daily-cost-usd", "5"));
    assertEquals(1, unknown.status());
    assertTrue(unknown.err().contains("no connection conn_nobody"), unknown.err());

    JsonNode shown =
        Json.read(
            LocalRunnerProcess.cli(dataDir, "budget", "show", "--connection", other, "--json")
                .getBytes(StandardCharsets.UTF_8));
    assertTrue(shown.get("daily_cost_usd").isNull(), shown.toString());
    assertEquals(0, cli(List.of("budget", "alerts", "--connection", other, "--json")).status());

    // An http:// webhook elsewhere only with the explicit flag; its secret is shown once.
    String set =
        LocalRunnerProcess.cli(
            dataDir,
            "budget",
            "set",
            "--connection",
            other,
            "--daily-cost-usd",
            "12.5",
            "--webhook",
            "http://hooks.example.com/x",
            "--allow-http-webhook");
    assertTrue(set.contains("secret        ccotel_whsec_"), set);
    String again =
        LocalRunnerProcess.cli(
            dataDir,
            "budget",
            "set",
            "--connection",
            other,
            "--daily-cost-usd",
            "13",
            "--webhook",
            "http://hooks.example.com/x",
            "--allow-http-webhook");
    assertTrue(again.contains("secret        unchanged"), again);
    shown =
        Json.read(
            LocalRunnerProcess.cli(dataDir, "budget", "show", "--connection", other, "--json")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals("13", shown.get("daily_cost_usd").asText());
    assertEquals("http://hooks.example.com/x", shown.get("webhook").asText());
    assertTrue(
        LocalRunnerProcess.cli(dataDir, "budget", "clear", "--connection", other)
            .contains("cleared"));
  }

  @Test
  void exportsSentTwice_giveOneAlertsJsonlLinePerUserDayOverBudget() throws Exception {
    // Before any export: a running aggregator caches a connection's budget for a minute.
    LocalRunnerProcess.cli(
        dataDir, "budget", "set", "--connection", connectionId, "--daily-cost-usd", "1");
    List<byte[]> exports = new ArrayList<>();
    exports.addAll(costs("over@example.com", "2026-11-24", 12)); // 1.20 USD
    exports.addAll(costs("over@example.com", "2026-11-25", 11)); // 1.10 USD
    exports.addAll(costs("under@example.com", "2026-11-24", 9)); // 0.90 USD
    for (int round = 0; round < 2; round++) {
      for (byte[] export : exports) {
        HttpResponse<String> answer =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(runner.baseUrl() + "/api/otel/v1/metrics"))
                    .header("Authorization", "Bearer " + ingestToken)
                    .header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(export))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
      }
    }
    Path alerts = dataDir.resolve(AlertsFile.FILE_NAME);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (lines(alerts).size() < 2 && Instant.now().isBefore(deadline)) {
      Thread.sleep(250);
    }
    Thread.sleep(3000); // time for a wrong second line to appear
    List<String> lines = lines(alerts);
    assertEquals(2, lines.size(), String.join("\n", lines));
    List<String> days = new ArrayList<>();
    for (String line : lines) {
      JsonNode alert = Json.read(line.getBytes(StandardCharsets.UTF_8));
      List<String> fields = new ArrayList<>();
      alert.fieldNames().forEachRemaining(fields::add);
      assertEquals(List.of("connectionId", "date", "email", "cost_usd", "budget_usd"), fields);
      assertEquals(connectionId, alert.get("connectionId").asText());
      assertEquals("over@example.com", alert.get("email").asText());
      assertEquals("1", alert.get("budget_usd").asText());
      assertTrue(alert.get("cost_usd").decimalValue().compareTo(java.math.BigDecimal.ONE) > 0);
      days.add(alert.get("date").asText());
    }
    assertEquals(List.of("2026-11-24", "2026-11-25"), days.stream().sorted().toList());

    JsonNode listed =
        Json.read(
            LocalRunnerProcess.cli(
                    dataDir, "budget", "alerts", "--connection", connectionId, "--json")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(2, listed.size());
    for (JsonNode alert : listed) {
      assertEquals("delivered", alert.get("state").asText(), alert.toString());
    }
  }

  private static List<byte[]> costs(String email, String day, int n) {
    long base = nanos(day + "T09:00:00Z");
    List<byte[]> exports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      exports.add(
          OtlpRequests.metrics(email)
              .delta("claude_code.cost.usage", base + i * 1_000_000L, 0.10, "model", "m")
              .build()
              .toByteArray());
    }
    return exports;
  }

  private static List<String> lines(Path file) throws Exception {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
  }

  private static String createConnection(String name) throws Exception {
    return Json.read(
            LocalRunnerProcess.cli(dataDir, "connection", "create", "--name", name, "--json")
                .getBytes(StandardCharsets.UTF_8))
        .get("connectionId")
        .asText();
  }

  private record Run(int status, String out, String err) {}

  private static Run cli(List<String> args) {
    List<String> withData = new ArrayList<>(args);
    withData.addAll(List.of("--data", dataDir.toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        CcotelCli.execute(
            withData.toArray(new String[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of());
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
