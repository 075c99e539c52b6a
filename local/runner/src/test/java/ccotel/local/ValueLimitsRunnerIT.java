package ccotel.local;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Absurd values through the real {@code ccotel local} runner: exports of 5 * 10^18 tokens for one
 * user-day-model (which once stored a sum past 2^63 and broke every query page holding it) have
 * those points rejected in {@code partial_success}, never a retryable 503, and the rest counts.
 */
class ValueLimitsRunnerIT {

  private static final Duration AGGREGATION_TIMEOUT = Duration.ofSeconds(60);

  @TempDir static Path dataDir;
  private static LocalRunnerProcess runner;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner.log"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (runner != null) {
      runner.close();
    }
  }

  @Test
  void tokenUsageOf5e18_isRejectedPerPoint_andTheDayStillReadsBackExactly() throws Exception {
    JsonNode connection =
        Json.read(
            cli("connection", "create", "--name", "values", "--json")
                .getBytes(StandardCharsets.UTF_8));
    String ingest = connection.get("ingestToken").asText();
    long t = nanos("2026-11-24T10:00:00Z");

    // Two accepted exports of 5e18 input tokens for one user-day-model, each with a real point.
    for (int output : List.of(10, 20)) {
      HttpResponse<byte[]> answer =
          send(
              ingest,
              OtlpRequests.metrics("dev@example.com")
                  .delta("claude_code.token.usage", t + output, 5e18, "type", "input", "model", "m")
                  .delta(
                      "claude_code.token.usage", t + output, output, "type", "output", "model", "m")
                  .build()
                  .toByteArray());
      assertEquals(200, answer.statusCode());
      ExportMetricsPartialSuccess partial = partialSuccess(answer);
      assertEquals(1, partial.getRejectedDataPoints());
      assertEquals(
          "claude_code.token.usage: value 5000000000000000000 (tokens) is over the limit of"
              + " 1000000000000000",
          partial.getErrorMessage());
    }
    // Two such points in one request: once a 503 that the client retried for ever.
    HttpResponse<byte[]> both =
        send(
            ingest,
            OtlpRequests.metrics("dev@example.com")
                .delta("claude_code.token.usage", t + 1, 5e18, "type", "input", "model", "m")
                .delta("claude_code.token.usage", t + 2, 5e18, "type", "input", "model", "m")
                .delta("claude_code.token.usage", t + 3, 4, "type", "input", "model", "m")
                .build()
                .toByteArray());
    assertEquals(200, both.statusCode());
    assertEquals(2, partialSuccess(both).getRejectedDataPoints());

    JsonNode tokens = null;
    Instant deadline = Instant.now().plus(AGGREGATION_TIMEOUT);
    do {
      JsonNode data = usage(connection.get("readToken").asText());
      if (data.size() == 1) {
        tokens = data.get(0).get("model_breakdown").get(0).get("tokens");
        if (tokens.get("output").asLong() == 30 && tokens.get("input").asLong() == 4) {
          break;
        }
      }
      Thread.sleep(250);
    } while (Instant.now().isBefore(deadline));
    assertEquals(
        Json.read(
            "{\"input\":4,\"output\":30,\"cache_read\":0,\"cache_creation\":0}"
                .getBytes(StandardCharsets.UTF_8)),
        tokens);
    assertFalse(
        usage(connection.get("readToken").asText())
            .get(0)
            .get("ccotel")
            .has("unreadable_counters"));
  }

  private HttpResponse<byte[]> send(String token, byte[] protobuf) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(runner.baseUrl() + "/api/otel/v1/metrics"))
            .header("Content-Type", "application/x-protobuf")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofByteArray(protobuf))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static ExportMetricsPartialSuccess partialSuccess(HttpResponse<byte[]> answer)
      throws Exception {
    return ExportMetricsServiceResponse.parseFrom(answer.body()).getPartialSuccess();
  }

  private JsonNode usage(String readToken) throws Exception {
    HttpResponse<byte[]> answer =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(runner.baseUrl() + "/api/usage/claude_code?starting_at=2026-11-24"))
                .header("Authorization", "Bearer " + readToken)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, answer.statusCode());
    return Json.read(answer.body()).get("data");
  }

  private static String cli(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> withData = new java.util.ArrayList<>(List.of(args));
    withData.addAll(List.of("--data", dataDir.toString()));
    int status =
        new CcotelCli(new PrintStream(out, true, StandardCharsets.UTF_8), Map.of())
            .run(withData.toArray(new String[0]));
    assertEquals(0, status);
    return out.toString(StandardCharsets.UTF_8);
  }
}
