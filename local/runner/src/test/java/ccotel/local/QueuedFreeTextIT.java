package ccotel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.ingest.QueuedExport;
import ccotel.sqs.SqsExportMessages;
import ccotel.testing.FreeTextRequests;
import ccotel.testing.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Prompt text and tool inputs (OTEL_LOG_USER_PROMPTS=1) sent to the real {@code ccotel local} reach
 * neither ElasticMQ's files, nor the dead-letter queue, nor the runner's log, while queued or after
 * they are counted; and they still count.
 */
class QueuedFreeTextIT {

  private static final Duration AGGREGATION_TIMEOUT = Duration.ofSeconds(60);
  // A run of base64 long enough to hold a gzip member: queue bodies are base64 of gzip.
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{24,}={0,2}");

  @TempDir Path dataDir;
  private LocalRunnerProcess runner;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    if (runner != null) {
      runner.close();
    }
  }

  @Test
  void promptsAndToolInputs_neverReachTheQueueFiles_theDeadLetterQueue_orTheLog() throws Exception {
    // No aggregator: the exports stay queued, in ElasticMQ's files.
    runner =
        LocalRunnerProcess.start(
            dataDir, dataDir.resolve("runner-1.log"), Map.of(LocalStack.POLLERS_VARIABLE, "0"));
    JsonNode connection =
        Json.read(
            LocalRunnerProcess.cli(dataDir, "connection", "create", "--name", "free", "--json")
                .getBytes(StandardCharsets.UTF_8));
    String ingestToken = connection.get("ingestToken").asText();
    byte[] protobuf = FreeTextRequests.promptAndToolResult().toByteArray();
    byte[] json =
        JsonFormat.printer()
            .print(FreeTextRequests.promptAndToolResult())
            .getBytes(StandardCharsets.UTF_8);
    assertEquals(200, send(protobuf, "application/x-protobuf", ingestToken));
    assertEquals(200, send(json, "application/json", ingestToken));

    // Dead letters, as SQS would leave them after maxReceiveCount failures.
    RuntimeFile runtime = RuntimeFile.read(dataDir.resolve(RuntimeFile.FILE_NAME));
    try (var sqs = LocalAwsClients.sqs(runtime.sqsEndpoint())) {
      String queue = sqs.getQueueUrl(b -> b.queueName(LocalStack.INGEST_QUEUE)).queueUrl();
      String deadLetters =
          sqs.getQueueUrl(b -> b.queueName(LocalStack.DEAD_LETTER_QUEUE)).queueUrl();
      assertEquals(2, new DeadLetters(sqs, queue, deadLetters).replay());
      List<Message> dead =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(deadLetters)
                          .maxNumberOfMessages(10)
                          .visibilityTimeout(0)
                          .messageAttributeNames("All"))
              .messages();
      assertEquals(2, dead.size());
      for (Message message : dead) {
        QueuedExport export = SqsExportMessages.read(message.body(), attributes(message));
        assertFalse(FreeTextRequests.holdsMarker(export.protobufBody()), "dead letter holds it");
      }
    }
    runner.stop(); // a clean stop: ElasticMQ has written everything it holds
    assertNoFileHoldsTheMarker();

    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner-2.log"));
    String replayed = LocalRunnerProcess.cli(dataDir, "dlq", "replay");
    assertTrue(replayed.startsWith("replayed 2 "), replayed);
    // Two different bodies: each prompt and each tool result counts.
    assertCountedEventually(connection.get("readToken").asText(), 2);
    runner.stop();
    assertNoFileHoldsTheMarker();
  }

  private int send(byte[] body, String contentType, String token) throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(runner.baseUrl() + "/api/otel/v1/logs"))
                .header("Content-Type", contentType)
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return answer.statusCode();
  }

  private void assertCountedEventually(String readToken, int expected) throws Exception {
    Instant deadline = Instant.now().plus(AGGREGATION_TIMEOUT);
    JsonNode extras = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<byte[]> answer =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          runner.baseUrl() + "/api/usage/claude_code?starting_at=2026-11-24"))
                  .header("Authorization", "Bearer " + readToken)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      JsonNode data = Json.read(answer.body()).get("data");
      extras = data.isEmpty() ? null : data.get(0).get("ccotel");
      if (extras != null && extras.get("prompts").asInt() == expected) {
        break;
      }
      Thread.sleep(250);
    }
    assertTrue(extras != null, "nothing counted");
    assertEquals(expected, extras.get("prompts").asInt());
    assertEquals(expected, extras.get("tool_results").get("Bash").get("succeeded").asInt());
  }

  /** Every file of the data directory, the logs included: as written, and its queue bodies. */
  private void assertNoFileHoldsTheMarker() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dataDir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.size() > 2, "the data directory holds the queue's files: " + files);
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      assertFalse(FreeTextRequests.holdsMarker(bytes), file + " holds it");
      for (byte[] decoded : queueBodies(bytes)) {
        assertFalse(FreeTextRequests.holdsMarker(decoded), file + " holds it in a queue body");
      }
    }
  }

  /** What every base64-of-gzip run in {@code bytes} decompresses to. */
  private static List<byte[]> queueBodies(byte[] bytes) {
    List<byte[]> bodies = new ArrayList<>();
    Matcher run = BASE64.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
    while (run.find()) {
      try {
        byte[] gzip = Base64.getDecoder().decode(run.group());
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
          bodies.add(in.readAllBytes());
        }
      } catch (IllegalArgumentException | IOException e) {
        // not a queue body
      }
    }
    return bodies;
  }

  private static Map<String, String> attributes(Message message) {
    Map<String, String> attributes = new HashMap<>();
    for (Map.Entry<String, MessageAttributeValue> attribute :
        message.messageAttributes().entrySet()) {
      attributes.put(attribute.getKey(), attribute.getValue().stringValue());
    }
    return attributes;
  }
}
