package ccotel.local;

import static ccotel.testing.Json.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.Fixtures;
import ccotel.testing.Json;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ccotel local} runner, in its own JVM on embedded DynamoDB Local and ElasticMQ:
 * every captured Claude Code session replayed over HTTP, each into a connection of its own, reads
 * back exactly as its expected.json; and a restart on the same data keeps tokens and counts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRunnerIT {

  /** Owner-only modes of the data directory's folders and files. */
  private static final String DIR = "rwx------";

  private static final String FILE = "rw-------";

  private static final Duration AGGREGATION_TIMEOUT = Duration.ofSeconds(60);

  @TempDir static Path dataDir;
  private static LocalRunnerProcess runner;
  private static final Map<String, JsonNode> connections = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    // As earlier versions left it (and a umask of 022 makes it): readable by every local user.
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner.log"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (runner != null) {
      runner.close();
    }
  }

  @Test
  @Order(1)
  void firstStart_writesTheDefaultConnection() throws Exception {
    JsonNode file = Json.read(Files.readAllBytes(dataDir.resolve("local-connection.json")));

    assertTrue(file.get("ingestToken").asText().startsWith("ccotel_ingest_"));
    assertTrue(file.get("readToken").asText().startsWith("ccotel_read_"));
    assertEquals(runner.baseUrl() + "/api/otel", file.get("endpoint").asText());
    JsonNode env = file.get("settings").get("env");
    assertEquals("1", env.get("CLAUDE_CODE_ENABLE_TELEMETRY").asText());
    assertEquals("otlp", env.get("OTEL_METRICS_EXPORTER").asText());
    assertEquals("otlp", env.get("OTEL_LOGS_EXPORTER").asText());
    assertEquals("300000", env.get("OTEL_METRIC_EXPORT_INTERVAL").asText());
    assertEquals("300000", env.get("OTEL_LOGS_EXPORT_INTERVAL").asText());
    assertEquals("http/protobuf", env.get("OTEL_EXPORTER_OTLP_PROTOCOL").asText());
    assertEquals(runner.baseUrl() + "/api/otel", env.get("OTEL_EXPORTER_OTLP_ENDPOINT").asText());
    assertEquals(
        "Authorization=Bearer " + file.get("ingestToken").asText(),
        env.get("OTEL_EXPORTER_OTLP_HEADERS").asText());
    assertEquals(
        "user.email=you@example.com,user.name=First%20Last",
        env.get("OTEL_RESOURCE_ATTRIBUTES").asText());
  }

  @Test
  @Order(2)
  void everyFixtureScenario_readsBackAsExpected() throws Exception {
    for (String scenario : Fixtures.scenarios()) {
      JsonNode connection = createConnection(scenario);
      connections.put(scenario, connection);
      for (Fixtures.CapturedRequest request : Fixtures.requests(scenario)) {
        HttpResponse<byte[]> answer = send(request, connection.get("ingestToken").asText());
        assertEquals(
            200,
            answer.statusCode(),
            request + ": " + new String(answer.body(), StandardCharsets.UTF_8));
      }
    }
    for (Map.Entry<String, JsonNode> entry : connections.entrySet()) {
      assertUsageEventually(entry.getKey(), entry.getValue().get("readToken").asText());
    }
  }

  @Test
  @Order(3)
  void restartOnTheSameData_keepsTokensAndCounts() throws Exception {
    String before = Files.readString(dataDir.resolve("local-connection.json"));
    runner.stop();
    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner-2.log"));

    JsonNode file = Json.read(Files.readAllBytes(dataDir.resolve("local-connection.json")));
    assertEquals(
        Json.read(before.getBytes(StandardCharsets.UTF_8)).get("ingestToken"),
        file.get("ingestToken"));
    assertFalse(connections.isEmpty());
    for (Map.Entry<String, JsonNode> entry : connections.entrySet()) {
      assertUsageEventually(entry.getKey(), entry.getValue().get("readToken").asText());
    }
  }

  @Test
  @Order(4)
  void connectionList_showsEveryConnection() throws Exception {
    JsonNode list = Json.read(cli("connection", "list", "--json").getBytes(StandardCharsets.UTF_8));

    List<String> names = new ArrayList<>();
    list.forEach(c -> names.add(c.get("name").asText()));
    assertEquals("local", names.get(0));
    assertTrue(names.containsAll(connections.keySet()), names.toString());
    list.forEach(c -> assertEquals(1, c.get("activeIngestTokens").asInt()));
  }

  @Test
  @Order(5)
  void rotatedAndRevokedTokens_areRefusedAtOnce() throws Exception {
    JsonNode connection = createConnection("rotation");
    String id = connection.get("connectionId").asText();
    String oldIngest = connection.get("ingestToken").asText();
    Fixtures.CapturedRequest request = Fixtures.requests("protobuf-delta").get(1);
    assertEquals(200, send(request, oldIngest).statusCode());

    JsonNode rotated =
        Json.read(
            cli("connection", "rotate-token", "--connection", id, "--scope", "ingest", "--json")
                .getBytes(StandardCharsets.UTF_8));
    String newIngest = rotated.get("token").asText();

    assertEquals(401, send(request, oldIngest).statusCode());
    assertEquals(200, send(request, newIngest).statusCode());

    cli("connection", "revoke-token", "--connection", id, "--scope", "read");
    HttpResponse<byte[]> query =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(runner.baseUrl() + "/api/usage/claude_code?starting_at=2026-11-24"))
                .header("Authorization", "Bearer " + connection.get("readToken").asText())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(401, query.statusCode());
  }

  @Test
  @Order(6)
  void settingsMergeInto_keepsTheUsersOtherSettings() throws Exception {
    Path settings = dataDir.resolve("claude-settings.json");
    Files.writeString(settings, "{\"model\": \"opus\", \"env\": {\"KEEP\": \"me\"}}");

    cli(
        "connection",
        "settings",
        "--email",
        "Ana@Example.com",
        "--user-name",
        "Ana María",
        "--export-interval",
        "2m",
        "--merge-into",
        settings.toString());

    JsonNode merged = Json.read(Files.readAllBytes(settings));
    assertEquals("120000", merged.get("env").get("OTEL_METRIC_EXPORT_INTERVAL").asText());
    assertEquals("120000", merged.get("env").get("OTEL_LOGS_EXPORT_INTERVAL").asText());
    JsonNode file = Json.read(Files.readAllBytes(dataDir.resolve("local-connection.json")));
    assertEquals("opus", merged.get("model").asText());
    assertEquals("me", merged.get("env").get("KEEP").asText());
    assertEquals(
        "Authorization=Bearer " + file.get("ingestToken").asText(),
        merged.get("env").get("OTEL_EXPORTER_OTLP_HEADERS").asText());
    assertEquals(
        "user.email=Ana@Example.com,user.name=Ana%20Mar%C3%ADa",
        merged.get("env").get("OTEL_RESOURCE_ATTRIBUTES").asText());
    assertTrue(Files.exists(dataDir.resolve("claude-settings.json.bak")));

    JsonNode created =
        Json.read(
            cli(
                    "connection",
                    "create",
                    "--name",
                    "intervals",
                    "--export-interval",
                    "logs=90s",
                    "--json")
                .getBytes(StandardCharsets.UTF_8));
    JsonNode env = created.get("settings").get("env");
    assertEquals("300000", env.get("OTEL_METRIC_EXPORT_INTERVAL").asText());
    assertEquals("90000", env.get("OTEL_LOGS_EXPORT_INTERVAL").asText());
  }

  @Test
  @Order(7)
  void killMinus9_betweenTheAnswerAndAggregation_losesNothing() throws Exception {
    // No aggregator threads: every 200 below leaves its export only in the queue.
    runner.stop();
    runner =
        LocalRunnerProcess.start(
            dataDir,
            dataDir.resolve("runner-accept-only.log"),
            Map.of(LocalStack.POLLERS_VARIABLE, "0"));
    String scenario = "protobuf-delta";
    JsonNode connection = createConnection("kill-9");
    for (int copy = 0; copy < 2; copy++) { // and every request twice, as a retrying client would
      for (Fixtures.CapturedRequest request : Fixtures.requests(scenario)) {
        assertEquals(200, send(request, connection.get("ingestToken").asText()).statusCode());
      }
    }
    assertEquals(0, usage(scenario, connection.get("readToken").asText()).size());

    runner.kill();
    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner-after-kill.log"));

    assertUsageEventually(scenario, connection.get("readToken").asText());
  }

  @Test
  @Order(8)
  void dlqReplay_countsADeadExportOnce() throws Exception {
    String scenario = "json-delta";
    JsonNode connection = createConnection("dead-letters");
    // Accept the scenario while aggregation is off, then move its messages to the dead-letter
    // queue as SQS would after maxReceiveCount failures.
    runner.stop();
    runner =
        LocalRunnerProcess.start(
            dataDir, dataDir.resolve("runner-dlq.log"), Map.of(LocalStack.POLLERS_VARIABLE, "0"));
    for (Fixtures.CapturedRequest request : Fixtures.requests(scenario)) {
      assertEquals(200, send(request, connection.get("ingestToken").asText()).statusCode());
    }
    RuntimeFile runtime = RuntimeFile.read(dataDir.resolve(RuntimeFile.FILE_NAME));
    int moved;
    List<software.amazon.awssdk.services.sqs.model.Message> deadCopies;
    try (var sqs = LocalAwsClients.sqs(runtime.sqsEndpoint())) {
      String queue = sqs.getQueueUrl(b -> b.queueName(LocalStack.INGEST_QUEUE)).queueUrl();
      String deadLetters =
          sqs.getQueueUrl(b -> b.queueName(LocalStack.DEAD_LETTER_QUEUE)).queueUrl();
      // The same move the replay does, the other way round.
      moved = new DeadLetters(sqs, queue, deadLetters).replay();
      deadCopies = peekAll(sqs, deadLetters, moved);
    }
    assertEquals(Fixtures.requests(scenario).size(), moved);
    runner.stop();
    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner-dlq-2.log"));
    // Dead letters are not aggregated: once an export queued after them has been counted, none
    // of them has been.
    JsonNode barrier = createConnection("dead-letters-barrier");
    for (Fixtures.CapturedRequest request : Fixtures.requests("protobuf-delta")) {
      assertEquals(200, send(request, barrier.get("ingestToken").asText()).statusCode());
    }
    assertUsageEventually("protobuf-delta", barrier.get("readToken").asText());
    assertEquals(0, usage(scenario, connection.get("readToken").asText()).size());

    JsonNode listed = Json.read(cli("dlq", "list", "--json").getBytes(StandardCharsets.UTF_8));
    assertEquals(moved, listed.size());
    for (JsonNode letter : listed) {
      assertEquals(connection.get("connectionId").asText(), letter.get("connectionId").asText());
      assertTrue(letter.get("diagnosis").asText().startsWith("decodes"), letter.toString());
    }
    String replayed = cli("dlq", "replay");
    assertTrue(replayed.startsWith("replayed " + moved + " "), replayed);
    assertUsageEventually(scenario, connection.get("readToken").asText());

    // The same messages dead again (a redelivery failed after they had counted) and replayed a
    // second time: they are aggregated again and count nothing.
    runtime = RuntimeFile.read(dataDir.resolve(RuntimeFile.FILE_NAME)); // the restarted stack's
    try (var sqs = LocalAwsClients.sqs(runtime.sqsEndpoint())) {
      String deadLetters =
          sqs.getQueueUrl(b -> b.queueName(LocalStack.DEAD_LETTER_QUEUE)).queueUrl();
      for (var copy : deadCopies) {
        sqs.sendMessage(
            b ->
                b.queueUrl(deadLetters)
                    .messageBody(copy.body())
                    .messageAttributes(copy.messageAttributes()));
      }
      replayed = cli("dlq", "replay");
      assertTrue(replayed.startsWith("replayed " + moved + " "), replayed);
      String queue = sqs.getQueueUrl(b -> b.queueName(LocalStack.INGEST_QUEUE)).queueUrl();
      awaitEmpty(sqs, queue);
    }
    assertJsonEquals(
        Json.read(Fixtures.expected(scenario)),
        usage(scenario, connection.get("readToken").asText()));
  }

  /** The {@code count} messages on {@code queue}, received without hiding them. */
  private static List<software.amazon.awssdk.services.sqs.model.Message> peekAll(
      software.amazon.awssdk.services.sqs.SqsClient sqs, String queue, int count) {
    Map<String, software.amazon.awssdk.services.sqs.model.Message> seen = new LinkedHashMap<>();
    Instant deadline = Instant.now().plus(AGGREGATION_TIMEOUT);
    while (seen.size() < count && Instant.now().isBefore(deadline)) {
      sqs.receiveMessage(
              b ->
                  b.queueUrl(queue)
                      .maxNumberOfMessages(10)
                      .visibilityTimeout(0)
                      .messageAttributeNames("All"))
          .messages()
          .forEach(m -> seen.putIfAbsent(m.messageId(), m));
    }
    assertEquals(count, seen.size());
    return new ArrayList<>(seen.values());
  }

  /** Waits until the aggregator has received and deleted everything on {@code queue}. */
  private static void awaitEmpty(software.amazon.awssdk.services.sqs.SqsClient sqs, String queue)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(AGGREGATION_TIMEOUT);
    Map<software.amazon.awssdk.services.sqs.model.QueueAttributeName, String> counts;
    do {
      counts =
          sqs.getQueueAttributes(
                  b ->
                      b.queueUrl(queue)
                          .attributeNames(
                              software.amazon.awssdk.services.sqs.model.QueueAttributeName
                                  .APPROXIMATE_NUMBER_OF_MESSAGES,
                              software.amazon.awssdk.services.sqs.model.QueueAttributeName
                                  .APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
              .attributes();
      if (counts.values().stream().allMatch("0"::equals)) {
        return;
      }
      Thread.sleep(250);
    } while (Instant.now().isBefore(deadline));
    throw new AssertionError("the ingest queue did not drain: " + counts);
  }

  @Test
  @Order(9)
  void everyScenario_sentTwiceInShuffledOrder_readsBackAsExpected() throws Exception {
    Map<String, JsonNode> twice = new LinkedHashMap<>();
    java.util.Random random = new java.util.Random(20261125);
    for (String scenario : Fixtures.scenarios()) {
      JsonNode connection = createConnection(scenario + "-twice");
      twice.put(scenario, connection);
      List<Fixtures.CapturedRequest> requests = new ArrayList<>(Fixtures.requests(scenario));
      requests.addAll(Fixtures.requests(scenario));
      java.util.Collections.shuffle(requests, random);
      for (Fixtures.CapturedRequest request : requests) {
        assertEquals(200, send(request, connection.get("ingestToken").asText()).statusCode());
      }
    }
    for (Map.Entry<String, JsonNode> entry : twice.entrySet()) {
      assertUsageEventually(entry.getKey(), entry.getValue().get("readToken").asText());
    }
  }

  @Test
  @Order(10)
  void dataDirectory_secretsAndDatabases_areOwnerOnly() throws Exception {
    assertEquals("rwx------", mode(dataDir));
    assertEquals("rw-------", mode(dataDir.resolve(LocalConnectionFile.FILE_NAME)));
    assertEquals("rw-------", mode(dataDir.resolve(RuntimeFile.FILE_NAME)));
    Map<String, String> stores = new java.util.TreeMap<>();
    for (String store : List.of("dynamodb", "sqs")) {
      try (var paths = Files.walk(dataDir.resolve(store))) {
        paths.forEach(p -> stores.put(dataDir.relativize(p).toString(), mode(p)));
      }
    }
    // The stores' own files (H2 may add a trace file beside its database) are all owner-only.
    Map<String, String> expected = new java.util.TreeMap<>();
    stores.forEach(
        (path, mode) -> expected.put(path, Files.isDirectory(dataDir.resolve(path)) ? DIR : FILE));
    assertEquals(expected, stores);
    assertEquals(FILE, stores.get("dynamodb/shared-local-instance.db"));
    assertEquals(FILE, stores.get("sqs/queues.mv.db"));
  }

  @Test
  @Order(11)
  void settingsMergeInto_writesOwnerOnlyOrKeepsTheModeItFound() throws Exception {
    // A new settings file (and its new directory) is owner-only: it holds the ingest token.
    Path fresh = dataDir.resolve("new-home/.claude/settings.json");
    cli("connection", "settings", "--merge-into", fresh.toString());
    assertEquals("rwx------", mode(fresh.getParent()));
    assertEquals("rw-------", mode(fresh));

    // An owner-only one with an API key stays so, and so does its backup.
    Path secret = dataDir.resolve("secret-settings.json");
    Files.writeString(secret, "{\"env\": {\"ANTHROPIC_API_KEY\": \"sk-ant-test\"}}");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    cli("connection", "settings", "--merge-into", secret.toString());
    assertEquals("rw-------", mode(secret));
    Path backup = dataDir.resolve("secret-settings.json.bak");
    assertEquals("rw-------", mode(backup));
    assertEquals("{\"env\": {\"ANTHROPIC_API_KEY\": \"sk-ant-test\"}}", Files.readString(backup));
    assertEquals(
        "sk-ant-test",
        Json.read(Files.readAllBytes(secret)).get("env").get("ANTHROPIC_API_KEY").asText());

    // A mode the user chose is kept.
    Path shared = dataDir.resolve("shared-settings.json");
    Files.writeString(shared, "{}");
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r-----"));
    cli("connection", "settings", "--merge-into", shared.toString());
    assertEquals("rw-r-----", mode(shared));
    assertEquals("rw-r-----", mode(dataDir.resolve("shared-settings.json.bak")));

    // Written by a move, never in place: nothing is left beside them.
    try (var left = Files.list(dataDir)) {
      assertEquals(List.of(), left.filter(p -> p.toString().endsWith(".tmp")).toList());
    }
  }

  @Test
  @Order(12)
  void adminCommands_withBadArguments_failClearlyAndChangeNothing() throws Exception {
    JsonNode connection = createConnection("bad-arguments");
    String id = connection.get("connectionId").asText();
    String oldIngest = connection.get("ingestToken").asText();
    Path notJson = dataDir.resolve("not-json-settings.json");
    Files.writeString(notJson, "model = opus");
    RuntimeFile runtime = RuntimeFile.read(dataDir.resolve(RuntimeFile.FILE_NAME));
    try (var dynamoDb = LocalAwsClients.dynamoDb(runtime.dynamoDbEndpoint())) {
      var registry =
          new ccotel.dynamodb.DynamoDbConnectionRegistry(
              dynamoDb, "ccotel-tokens", "ccotel-connections", java.time.Clock.systemUTC());
      var tokensBefore = java.util.Set.copyOf(registry.tokensOf(id));
      var connectionsBefore = java.util.Set.copyOf(registry.list());
      String overlapRange = "--overlap-seconds must be a whole number from 0 to 2592000, not ";
      Map<List<String>, String> refusals = new LinkedHashMap<>();
      for (String overlap :
          List.of("-1", "2592001", "9223372036854775807", "99999999999999999999", "ten", "")) {
        refusals.put(
            List.of("connection", "rotate-token", "--connection", id, "--overlap-seconds", overlap),
            overlapRange + "'" + overlap + "'");
      }
      refusals.put(
          List.of("connection", "rotate-token", "--connection", id, "--scope", "admin"),
          "unknown scope 'admin' (ingest or read)");
      refusals.put(
          List.of("connection", "rotate-token", "--connection", "conn_missing"),
          "no connection conn_missing");
      refusals.put(
          List.of("connection", "revoke-token", "--connection", id, "--scope", "admin"),
          "unknown scope 'admin' (ingest or read)");
      refusals.put(
          List.of("connection", "revoke-token", "--connection", id, "--token", "ccotel_ingest_x"),
          "connection " + id + " has no such token");
      refusals.put(
          List.of("connection", "revoke-token", "--connection", "conn_missing", "--scope", "all"),
          "no connection conn_missing");
      refusals.put(
          List.of("connection", "create", "--name", "never", "--merge-into", notJson.toString()),
          "settings file is not valid JSON");
      refusals.put(List.of("connection", "create", "--name", " "), "--name must not be blank");

      for (Map.Entry<List<String>, String> refusal : refusals.entrySet()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(refusal.getKey());
        args.addAll(List.of("--data", dataDir.toString()));
        int status =
            CcotelCli.execute(
                args.toArray(new String[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(status != 0, refusal.getKey() + " exited 0: " + out);
        assertTrue(
            said.startsWith("ccotel: " + refusal.getValue()), refusal.getKey() + ": " + said);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "no token shown or changed");
      }

      assertEquals(tokensBefore, java.util.Set.copyOf(registry.tokensOf(id)));
      assertEquals(connectionsBefore, java.util.Set.copyOf(registry.list()));
    }
    assertEquals("model = opus", Files.readString(notJson));
    assertEquals(200, send(Fixtures.requests("protobuf-delta").get(1), oldIngest).statusCode());
  }

  private static String mode(Path path) {
    try {
      return PosixFilePermissions.toString(
          Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private JsonNode createConnection(String name) throws Exception {
    return Json.read(
        cli("connection", "create", "--name", name, "--json").getBytes(StandardCharsets.UTF_8));
  }

  /** Runs an admin command as ./ccotel would, against this test's data directory. */
  private static String cli(String... args) throws Exception {
    return LocalRunnerProcess.cli(dataDir, args);
  }

  private HttpResponse<byte[]> send(Fixtures.CapturedRequest request, String token)
      throws Exception {
    return http.send(runner.export(request, token), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The usage records of the scenario's day, as the query API answers now. */
  private JsonNode usage(String scenario, String readToken) throws Exception {
    String day =
        Json.read(Fixtures.expected(scenario)).get(0).get("date").asText().substring(0, 10);
    HttpResponse<byte[]> answer =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(runner.baseUrl() + "/api/usage/claude_code?starting_at=" + day))
                .header("Authorization", "Bearer " + readToken)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, answer.statusCode());
    return Json.read(answer.body()).get("data");
  }

  /** The aggregator runs behind the queue: wait for the numbers, then demand them exactly. */
  private void assertUsageEventually(String scenario, String readToken) throws Exception {
    JsonNode expected = Json.read(Fixtures.expected(scenario));
    Instant deadline = Instant.now().plus(AGGREGATION_TIMEOUT);
    JsonNode data;
    do {
      data = usage(scenario, readToken);
      if (Json.jsonEquals(expected, data)) {
        break;
      }
      Thread.sleep(250);
    } while (Instant.now().isBefore(deadline));
    assertJsonEquals(expected, data);
  }
}
