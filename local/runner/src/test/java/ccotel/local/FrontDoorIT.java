package ccotel.local;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.Fixtures;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The local runner's HTTP front door, as clients meet it: every request is answered, a HEAD answer
 * has no body, a page cursor for other dates is the client's error, and slow clients neither stall
 * anyone else nor keep their connections.
 */
class FrontDoorIT {

  /** Generous: an answer that arrives at all within this is an answer. */
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  /** Far beyond the header and body limits: a slow client still open after this was not cut. */
  private static final int MAX_SLOW_SECONDS = 90;

  @TempDir static Path dataDir;
  private static LocalRunnerProcess runner;
  private static String ingestToken;
  private static String readToken;
  private static String connectionId;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_TIMEOUT).build();

  @BeforeAll
  static void start() throws Exception {
    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner.log"));
    JsonNode connection = Json.read(Files.readAllBytes(dataDir.resolve("local-connection.json")));
    ingestToken = connection.get("ingestToken").asText();
    readToken = connection.get("readToken").asText();
    connectionId = connection.get("connectionId").asText();
  }

  @AfterAll
  static void stop() throws Exception {
    if (runner != null) {
      runner.close();
    }
  }

  @Test
  void aQueryPageWithACounterPastALong_answers200_withTheCounterNamedUnreadable() throws Exception {
    sendCommit("overflow@example.com", "2026-09-01T12:00:00Z");
    String day = "/api/usage/claude_code?starting_at=2026-09-01";
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline) && usage(day).get("data").size() == 0) {
      Thread.sleep(250);
    }
    assertEquals(1, usage(day).get("data").size());
    // The stored counter past 2^63 that two huge exports left behind (issue 12, §2.1); any local
    // user could write it too through the endpoint runtime.json names. Reading it throws.
    RuntimeFile runtime = RuntimeFile.read(dataDir.resolve(RuntimeFile.FILE_NAME));
    try (var dynamoDb = LocalAwsClients.dynamoDb(runtime.dynamoDbEndpoint())) {
      Map<String, AttributeValue> key =
          Map.of(
              "connectionId", AttributeValue.fromS(connectionId),
              "sk", AttributeValue.fromS("2026-09-01#overflow@example.com#e"));
      String counter = "c:commits";
      assertTrue(
          dynamoDb.getItem(b -> b.tableName("ccotel-usage").key(key)).item().containsKey(counter));
      dynamoDb.updateItem(
          b ->
              b.tableName("ccotel-usage")
                  .key(key)
                  .updateExpression("ADD #c :huge")
                  .expressionAttributeNames(Map.of("#c", counter))
                  .expressionAttributeValues(
                      Map.of(":huge", AttributeValue.fromN(Long.toString(Long.MAX_VALUE)))));
    }

    HttpResponse<String> answer = get(day, readToken);

    // The row answers, its counter read as 0 and named (the 500 of a handler that throws anyway
    // is HttpFrontDoorTest's).
    assertEquals(200, answer.statusCode(), answer.body());
    JsonNode rows = Json.read(answer.body().getBytes(StandardCharsets.UTF_8)).get("data");
    assertEquals(1, rows.size());
    assertEquals("overflow@example.com", rows.get(0).get("actor").get("email_address").asText());
    assertEquals(0, rows.get(0).get("core_metrics").get("commits_by_claude_code").asLong());
    assertEquals(
        Json.read("[\"commits\"]".getBytes(StandardCharsets.UTF_8)),
        rows.get(0).get("ccotel").get("unreadable_counters"));
  }

  @Test
  void aQueryStringThatCannotBeDecoded_isAnswered400() throws Exception {
    // Java's URI refuses to send it; a client that builds its own request line does not.
    String answer =
        rawAnswer(
            "GET /api/usage/claude_code?starting_at=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer "
                + readToken
                + "\r\nConnection: close\r\n\r\n");

    assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
    assertTrue(answer.endsWith("\r\n\r\nmalformed query string\n"), answer);
  }

  @Test
  void aPageCursorOutsideTheRequestedDates_is400_withoutRetryAfter() throws Exception {
    for (String email : List.of("ana@example.com", "ben@example.com")) {
      sendCommit(email, "2026-10-01T12:00:00Z");
    }
    JsonNode firstPage = null;
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      firstPage = usage("/api/usage/claude_code?starting_at=2026-10-01&limit=1");
      if (firstPage.get("has_more").asBoolean()) {
        break;
      }
      Thread.sleep(250);
    }
    assertTrue(firstPage.get("has_more").asBoolean(), firstPage.toString());

    HttpResponse<String> answer =
        get(
            "/api/usage/claude_code?starting_at=2026-10-02&ending_at=2026-10-31&page="
                + firstPage.get("next_page").asText(),
            readToken);

    assertEquals(400, answer.statusCode(), answer.body());
    assertFalse(answer.headers().firstValue("Retry-After").isPresent());
    assertEquals(
        "invalid page cursor: it was made for other dates; ask again without page",
        Json.read(answer.body().getBytes(StandardCharsets.UTF_8))
            .get("error")
            .get("message")
            .asText());
  }

  @Test
  void aQueryParameterGivenTwice_is400_asDeployed() throws Exception {
    HttpResponse<String> answer =
        get("/api/usage/claude_code?starting_at=2026-10-01&starting_at=2026-10-02", readToken);

    assertEquals(400, answer.statusCode(), answer.body());
    assertEquals(
        "starting_at must be given once",
        Json.read(answer.body().getBytes(StandardCharsets.UTF_8))
            .get("error")
            .get("message")
            .asText());
  }

  @Test
  void healthz_isTheServicesHealthJson() throws Exception {
    HttpResponse<String> answer = get("/healthz", null);

    assertEquals(200, answer.statusCode());
    assertEquals("application/json", answer.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("{\"status\":\"ok\"}", answer.body());
  }

  @Test
  void head_isAnsweredWithoutABody() throws Exception {
    assertEquals(
        "HTTP/1.1 405 Method Not Allowed|Allow: POST|",
        headAnswer("/api/otel/v1/metrics", "Allow"));
    assertEquals("HTTP/1.1 200 OK||", headAnswer("/healthz", "Allow"));
    assertEquals(
        "HTTP/1.1 405 Method Not Allowed|Allow: GET|",
        headAnswer("/api/usage/claude_code?starting_at=2026-10-01", "Allow"));
  }

  @Test
  void slowClients_stallNobody_andAreCut() throws Exception {
    int slowHeaders = 24;
    int slowBodies = 8;
    ExecutorService clients = Executors.newFixedThreadPool(slowHeaders + slowBodies + 1);
    try {
      CountDownLatch connected = new CountDownLatch(slowHeaders + slowBodies + 1);
      List<Future<String>> headerClients = new ArrayList<>();
      List<Future<String>> bodyClients = new ArrayList<>();
      for (int i = 0; i < slowHeaders; i++) {
        // A request line and part of the headers, then one more header byte a second.
        headerClients.add(
            clients.submit(
                () ->
                    trickle(
                        "POST /api/otel/v1/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
                        connected)));
      }
      for (int i = 0; i < slowBodies; i++) {
        // Whole headers with a good token, then one body byte a second.
        bodyClients.add(
            clients.submit(
                () ->
                    trickle(
                        "POST /api/otel/v1/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Authorization: Bearer "
                            + ingestToken
                            + "\r\nContent-Type: application/x-protobuf\r\n"
                            + "Content-Length: 100000\r\n\r\n",
                        connected)));
      }
      // Without a token the body is not waited for.
      Future<String> noToken =
          clients.submit(
              () ->
                  trickle(
                      "POST /api/otel/v1/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          + "Content-Type: application/x-protobuf\r\n"
                          + "Content-Length: 100000\r\n\r\n",
                      connected));
      assertTrue(connected.await(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS));

      assertEquals(200, get("/healthz", null).statusCode());
      Fixtures.CapturedRequest export = Fixtures.requests("protobuf-delta").get(0);
      HttpRequest.Builder ingest =
          HttpRequest.newBuilder(URI.create(runner.baseUrl() + export.path()))
              .timeout(ANSWER_TIMEOUT)
              .POST(HttpRequest.BodyPublishers.ofByteArray(export.body()));
      export
          .headersWithToken(ingestToken)
          .forEach(
              (name, value) -> {
                if (!name.equals("content-length") && !name.equals("host")) {
                  ingest.header(name, value);
                }
              });
      HttpResponse<String> accepted =
          http.send(ingest.build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, accepted.statusCode(), accepted.body());
      assertEquals(
          200, get("/api/usage/claude_code?starting_at=2026-11-24", readToken).statusCode());

      assertTrue(noToken.get().startsWith("HTTP/1.1 401 "), noToken.get());
      for (Future<String> client : headerClients) {
        assertEquals("closed", client.get());
      }
      for (Future<String> client : bodyClients) {
        // 408, unless the reset of a close with unread bytes overtook it.
        String cut = client.get();
        assertTrue(cut.startsWith("HTTP/1.1 408 ") || cut.equals("closed"), cut);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  /**
   * Sends {@code start}, then one byte a second until the server answers or closes: its status
   * line, "closed", or "still open" after {@link #MAX_SLOW_SECONDS}.
   */
  private static String trickle(String start, CountDownLatch connected) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", runner.port())) {
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(start.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      connected.countDown();
      for (int second = 0; second < MAX_SLOW_SECONDS; second++) {
        try {
          int first = in.read(); // waits up to a second: the pace of this client
          if (first < 0) {
            return "closed";
          }
          return (char) first + statusLine(in);
        } catch (SocketTimeoutException e) {
          // nothing yet: one more byte
        }
        try {
          out.write('a');
          out.flush();
        } catch (IOException e) {
          return "closed";
        }
      }
      return "still open";
    } catch (IOException e) {
      return "closed"; // reset by the server
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\r'; b = in.read()) {
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII) + " ";
  }

  /** A HEAD request over a plain socket: "status line|named header|bytes after the headers". */
  private static String headAnswer(String target, String header) throws IOException {
    String answer =
        rawAnswer(
            "HEAD "
                + target
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + readToken
                + "\r\nConnection: close\r\n\r\n");
    int end = answer.indexOf("\r\n\r\n");
    assertTrue(end > 0, answer);
    String[] lines = answer.substring(0, end).split("\r\n");
    String named = "";
    for (String line : lines) {
      if (line.regionMatches(true, 0, header + ":", 0, header.length() + 1)) {
        named = header + ":" + line.substring(header.length() + 1);
      }
    }
    return lines[0] + "|" + named + "|" + answer.substring(end + 4);
  }

  /** Everything the server sends for {@code request} until it closes the connection. */
  private static String rawAnswer(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", runner.port())) {
      socket.setSoTimeout((int) ANSWER_TIMEOUT.toMillis());
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** One commit of {@code email} at {@code time}, accepted into the local connection. */
  private void sendCommit(String email, String time) throws Exception {
    HttpResponse<String> accepted =
        http.send(
            HttpRequest.newBuilder(URI.create(runner.baseUrl() + "/api/otel/v1/metrics"))
                .timeout(ANSWER_TIMEOUT)
                .header("Authorization", "Bearer " + ingestToken)
                .header("Content-Type", "application/x-protobuf")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        OtlpRequests.metrics(email)
                            .delta("claude_code.commit.count", nanos(time), 1)
                            .build()
                            .toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, accepted.statusCode(), accepted.body());
  }

  private JsonNode usage(String target) throws Exception {
    HttpResponse<String> answer = get(target, readToken);
    assertEquals(200, answer.statusCode(), answer.body());
    return Json.read(answer.body().getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> get(String target, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(runner.baseUrl() + target)).timeout(ANSWER_TIMEOUT);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
