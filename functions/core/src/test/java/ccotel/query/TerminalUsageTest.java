package ccotel.query;

import static ccotel.testing.Json.assertJsonEquals;
import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.aggregate.AggregationService;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import ccotel.testing.QueuedExports;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions and cost per {@code terminal.type} in the §4 record's {@code ccotel.terminals}: exact,
 * from the same per-model source as the record's cost, so the terminals sum to the totals.
 */
class TerminalUsageTest {

  private static final String EMAIL = "t@example.com";
  private static final String DAY = "2026-11-24";

  private InMemoryPipeline pipeline;
  private ConnectionAdmin.NewConnection connection;

  @BeforeEach
  void setUp() {
    pipeline = new InMemoryPipeline();
    connection = pipeline.admin.create("terminals");
  }

  @Test
  void cumulativePoints_countTheirIncreaseForTheirTerminalToo_once() throws Exception {
    long start = nanos(DAY + "T09:00:00Z");
    OtlpRequests.MetricsBuilder first =
        OtlpRequests.metrics(EMAIL)
            .cumulative(
                "claude_code.session.count",
                start,
                nanos(DAY + "T09:01:00Z"),
                1,
                "terminal.type",
                "vscode")
            .cumulative(
                "claude_code.cost.usage",
                start,
                nanos(DAY + "T09:01:00Z"),
                0.1,
                "model",
                "m",
                "terminal.type",
                "vscode");
    OtlpRequests.MetricsBuilder later =
        OtlpRequests.metrics(EMAIL)
            .cumulative(
                "claude_code.session.count",
                start,
                nanos(DAY + "T09:02:00Z"),
                3,
                "terminal.type",
                "vscode")
            .cumulative(
                "claude_code.cost.usage",
                start,
                nanos(DAY + "T09:02:00Z"),
                0.3,
                "model",
                "m",
                "terminal.type",
                "vscode");
    metrics(later);
    metrics(first); // stale now: counts nothing, for the terminal neither
    metrics(later); // a duplicate

    JsonNode record = record();
    assertEquals(3, record.at("/core_metrics/num_sessions").asLong());
    assertEquals(
        "30", record.at("/model_breakdown/0/estimated_cost/amount").decimalValue().toPlainString());
    assertJsonEquals(
        json(
            "[{\"terminal_type\":\"vscode\",\"num_sessions\":3,"
                + "\"estimated_cost\":{\"currency\":\"USD\",\"amount\":30}}]"),
        record.at("/ccotel/terminals"));
  }

  @Test
  void eachModelsCost_comesFromItsOwnSource_soTheTerminalsSumToTheTotal() throws Exception {
    String time = DAY + "T10:00:00Z";
    // Model m: metrics (from VS Code) and its events (from tmux, ignored for cost).
    metrics(
        OtlpRequests.metrics(EMAIL)
            .delta(
                "claude_code.cost.usage",
                nanos(time),
                0.2,
                "model",
                "m",
                "terminal.type",
                "vscode"));
    logs(
        OtlpRequests.logs(EMAIL)
            .event(
                "api_request",
                nanos(time),
                "model",
                "m",
                "cost_usd",
                "0.9",
                "terminal.type",
                "tmux")
            // Model e: events only, from tmux.
            .event(
                "api_request",
                nanos(time),
                "model",
                "e",
                "cost_usd",
                "0.05",
                "terminal.type",
                "tmux")
            // Model e from a record without a terminal.
            .event("api_request", nanos(time), "model", "e", "cost_usd", "0.01"));

    JsonNode record = record();
    assertJsonEquals(
        json(
            "[{\"terminal_type\":\"tmux\",\"num_sessions\":0,"
                + "\"estimated_cost\":{\"currency\":\"USD\",\"amount\":5}},"
                + "{\"terminal_type\":\"unknown\",\"num_sessions\":0,"
                + "\"estimated_cost\":{\"currency\":\"USD\",\"amount\":1}},"
                + "{\"terminal_type\":\"vscode\",\"num_sessions\":0,"
                + "\"estimated_cost\":{\"currency\":\"USD\",\"amount\":20}}]"),
        record.at("/ccotel/terminals"));
  }

  @Test
  void aTerminalNameTooLongToBeACounter_countsAsUnknown_andLosesNothing() throws Exception {
    String longName = "t".repeat(200);
    AggregationService.Result result =
        metrics(
            OtlpRequests.metrics(EMAIL)
                .delta(
                    "claude_code.session.count",
                    nanos(DAY + "T10:00:00Z"),
                    2,
                    "terminal.type",
                    longName));

    assertEquals(0, result.rejected());
    assertJsonEquals(
        json(
            "[{\"terminal_type\":\"unknown\",\"num_sessions\":2,"
                + "\"estimated_cost\":{\"currency\":\"USD\",\"amount\":0}}]"),
        record().at("/ccotel/terminals"));
  }

  private AggregationService.Result metrics(OtlpRequests.MetricsBuilder request) throws Exception {
    return pipeline.aggregation.aggregate(
        QueuedExports.metrics(connection.connection().id(), request.build().toByteArray()));
  }

  private void logs(OtlpRequests.LogsBuilder request) throws Exception {
    pipeline.aggregation.aggregate(
        QueuedExports.logs(connection.connection().id(), request.build().toByteArray()));
  }

  private JsonNode record() {
    ApiResponse answer = pipeline.query(connection.readToken().value(), Map.of("starting_at", DAY));
    assertEquals(200, answer.status(), answer.bodyText());
    JsonNode data = Json.read(answer.body()).get("data");
    assertEquals(1, data.size(), data.toString());
    return data.get(0);
  }

  private static JsonNode json(String text) {
    return Json.read(text.getBytes(StandardCharsets.UTF_8));
  }
}
