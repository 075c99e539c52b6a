package ccotel.bench;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.testing.OtlpRequests;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The load generator's own accounting of what it sent, which the exactness check relies on. */
class LoadGeneratorTest {

  private static final long T = nanos("2026-11-24T10:00:00Z");

  @Test
  void tokensComeFromMetricsForAModelWithMetrics_elseFromApiRequestEvents() {
    byte[] metrics =
        OtlpRequests.metrics("x@example.com")
            .delta("claude_code.token.usage", T, 100, "type", "input", "model", "sonnet")
            .delta("claude_code.session.count", T, 1)
            .build()
            .toByteArray();
    byte[] logs =
        OtlpRequests.logs("x@example.com")
            .event("api_request", T, "model", "sonnet", "input_tokens", "7")
            .event("api_request", T, "model", "haiku", "input_tokens", "30")
            .event("user_prompt", T)
            .build()
            .toByteArray();
    LoadGenerator.Expected expected = new LoadGenerator.Expected();

    expected.add(LoadGenerator.Export.logs(logs, "u@example.com", "s", T));
    expected.add(LoadGenerator.Export.metrics(metrics, "u@example.com", "s", T));

    assertEquals(
        Map.of(
            "tokens.sonnet.input", 100L,
            "tokens.haiku.input", 30L,
            "sessions", 1L,
            "prompts", 1L),
        expected.totals);
  }

  @Test
  void exportsAreReaddressedToTheirClient() throws Exception {
    byte[] logs =
        OtlpRequests.logs("captured@example.com").event("user_prompt", T).build().toByteArray();

    LoadGenerator.Export export =
        LoadGenerator.Export.logs(logs, "client-7@example.com", "s", T + 5);

    var record =
        io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.parseFrom(export.body())
            .getResourceLogs(0)
            .getScopeLogs(0)
            .getLogRecords(0);
    assertEquals(T + 5, record.getTimeUnixNano());
    assertEquals(
        "client-7@example.com",
        record.getAttributesList().stream()
            .filter(a -> a.getKey().equals("user.email"))
            .findFirst()
            .orElseThrow()
            .getValue()
            .getStringValue());
  }
}
