package ccotel.teams;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.ingest.QueuedExport;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The team, department, cost center and organization a user's client sends as attributes, and the
 * roster that overrides them: counted exactly once whatever the delivery, read as the value seen
 * most often.
 */
class TeamLabelsTest {

  private static final String DAY = "2026-11-24";

  private InMemoryPipeline pipeline;
  private ConnectionAdmin.NewConnection connection;

  @BeforeEach
  void connect() {
    pipeline = new InMemoryPipeline();
    connection = pipeline.admin.create("teams");
  }

  /**
   * dev@ sends 4 points and 2 records with team=payments and 1 point with team=growth; 3 sessions
   * from vscode, 1 from iTerm.app.
   */
  private List<byte[][]> devExports() {
    List<byte[][]> exports = new ArrayList<>();
    exports.add(
        metrics(
            OtlpRequests.metrics("dev@example.com")
                .resource("team", "payments")
                .resource("department", "eng")
                .resource("cost_center", "cc-42")
                .resource("organization.id", "org-1")
                .delta("claude_code.session.count", at("09:00"), 2, "terminal.type", "vscode")
                .delta("claude_code.commit.count", at("09:01"), 1)));
    exports.add(
        metrics(
            OtlpRequests.metrics("dev@example.com")
                .resource("team", "payments")
                .resource("organization.id", "org-1")
                .delta("claude_code.session.count", at("10:00"), 1, "terminal.type", "vscode")
                .delta("claude_code.lines_of_code.count", at("10:01"), 5, "type", "added")));
    exports.add(
        metrics(
            OtlpRequests.metrics("dev@example.com")
                .resource("team", "growth")
                .delta("claude_code.session.count", at("11:00"), 1, "terminal.type", "iTerm.app")));
    exports.add(
        logs(
            OtlpRequests.logs("dev@example.com")
                .event("user_prompt", at("12:00"), "team", "payments")
                .event("api_error", at("12:01"), "team", "payments")));
    return exports;
  }

  @Test
  void attributes_deliveredTwiceAndShuffled_giveTheMostSeenValues_exactlyAsOnce() throws Exception {
    for (byte[][] export : devExports()) {
      send(export);
    }
    pipeline.aggregateQueued();
    JsonNode once = record("dev@example.com");

    for (long seed = 1; seed <= 3; seed++) {
      InMemoryPipeline shuffled = new InMemoryPipeline();
      ConnectionAdmin.NewConnection other = shuffled.admin.create("shuffled");
      List<byte[][]> exports = new ArrayList<>(devExports());
      exports.addAll(devExports()); // every request sent twice (a client retry)
      Collections.shuffle(exports, new Random(seed));
      pipeline = shuffled;
      connection = other;
      for (byte[][] export : exports) {
        send(export);
      }
      List<QueuedExport> queued = pipeline.queue.drain();
      Collections.shuffle(queued, new Random(seed));
      for (QueuedExport export : queued) {
        pipeline.aggregation.aggregate(export);
        pipeline.aggregation.aggregate(export); // the queue delivers again
      }
      JsonNode record = record("dev@example.com");

      assertEquals(once, record);
      assertEquals("payments", record.at("/ccotel/team").asText());
      assertEquals("eng", record.at("/ccotel/department").asText());
      assertEquals("cc-42", record.at("/ccotel/cost_center").asText());
      assertEquals("org-1", record.get("organization_id").asText());
      assertEquals("vscode", record.get("terminal_type").asText());
      assertEquals(4, record.at("/core_metrics/num_sessions").asLong());
    }
  }

  @Test
  void theRoster_overridesTheAttributes_withAllItsColumns() throws Exception {
    for (byte[][] export : devExports()) {
      send(export);
    }
    pipeline.aggregateQueued();
    pipeline.rosters.replace(
        connection.connection().id(),
        Roster.of(Map.of("dev@example.com", Membership.of("core", null, "cc-7"))));

    JsonNode record = record("dev@example.com");
    assertEquals("core", record.at("/ccotel/team").asText());
    assertTrue(record.at("/ccotel/department").isNull(), record.toString());
    assertEquals("cc-7", record.at("/ccotel/cost_center").asText());
    assertEquals("org-1", record.get("organization_id").asText()); // not a roster column

    String csv = csv();
    assertTrue(
        csv.lines().skip(1).allMatch(l -> l.startsWith(DAY + ",dev@example.com,,core,,cc-7,")),
        csv);
  }

  @Test
  void equalCounts_goToTheFirstValueByName_andNothingSentIsNull() throws Exception {
    send(
        metrics(
            OtlpRequests.metrics("tie@example.com")
                .resource("team", "zeta")
                .delta("claude_code.commit.count", at("09:00"), 1)));
    send(
        metrics(
            OtlpRequests.metrics("tie@example.com")
                .resource("team", "alpha")
                .delta("claude_code.commit.count", at("09:05"), 1)));
    send(
        metrics(
            OtlpRequests.metrics("plain@example.com")
                .delta("claude_code.commit.count", at("09:00"), 1)));
    pipeline.aggregateQueued();

    assertEquals("alpha", record("tie@example.com").at("/ccotel/team").asText());
    JsonNode plain = record("plain@example.com");
    for (String pointer :
        List.of(
            "/ccotel/team",
            "/ccotel/department",
            "/ccotel/cost_center",
            "/organization_id",
            "/terminal_type")) {
      assertTrue(plain.at(pointer).isNull(), pointer + " in " + plain);
    }
  }

  @Test
  void unprintableOrOverLongLabels_areRejectedLikeOtherBadAttributes() throws Exception {
    ExportMetricsServiceResponse answer =
        ExportMetricsServiceResponse.parseFrom(
            send(metrics(
                    OtlpRequests.metrics("dev@example.com")
                        .resource("team", "pay\u0007ments")
                        .delta("claude_code.commit.count", at("09:00"), 1)))
                .body());
    assertEquals(1, answer.getPartialSuccess().getRejectedDataPoints());
    assertTrue(
        answer.getPartialSuccess().getErrorMessage().contains("team attribute"),
        answer.getPartialSuccess().getErrorMessage());

    ExportLogsServiceResponse logs =
        ExportLogsServiceResponse.parseFrom(
            send(logs(
                    OtlpRequests.logs("dev@example.com")
                        .event("user_prompt", at("09:00"), "cost_center", "c".repeat(101))))
                .body());
    assertEquals(1, logs.getPartialSuccess().getRejectedLogRecords());
    pipeline.aggregateQueued();

    ApiResponse day = pipeline.query(connection.readToken().value(), Map.of("starting_at", DAY));
    assertEquals(0, Json.read(day.body()).get("data").size(), day.bodyText());
  }

  private static long at(String time) {
    return nanos(DAY + "T" + time + ":00Z");
  }

  private static byte[][] metrics(OtlpRequests.MetricsBuilder builder) {
    return new byte[][] {"metrics".getBytes(), builder.build().toByteArray()};
  }

  private static byte[][] logs(OtlpRequests.LogsBuilder builder) {
    return new byte[][] {"logs".getBytes(), builder.build().toByteArray()};
  }

  private ApiResponse send(byte[][] export) {
    ApiResponse answer =
        pipeline.ingest.accept(
            new ApiRequest(
                "POST",
                "/api/otel/v1/" + new String(export[0]),
                Map.of(
                    "content-type",
                    "application/x-protobuf",
                    "authorization",
                    "Bearer " + connection.ingestToken().value()),
                Map.of(),
                export[1]));
    assertEquals(200, answer.status(), answer.bodyText());
    return answer;
  }

  private JsonNode record(String email) {
    ApiResponse answer = pipeline.query(connection.readToken().value(), Map.of("starting_at", DAY));
    assertEquals(200, answer.status(), answer.bodyText());
    for (JsonNode record : Json.read(answer.body()).get("data")) {
      if (email.equals(record.at("/actor/email_address").asText())) {
        return record;
      }
    }
    throw new AssertionError("no record of " + email + ": " + answer.bodyText());
  }

  private String csv() {
    ApiResponse answer =
        pipeline.queryCsv(connection.readToken().value(), Map.of("starting_at", DAY));
    assertEquals(200, answer.status(), answer.bodyText());
    return answer.bodyText();
  }
}
