package ccotel.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ccotel.testing.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaudeCodeSettingsTest {

  private static final Map<String, String> ENV =
      ClaudeCodeSettings.env(
          "http://127.0.0.1:4318/api/otel",
          "ccotel_ingest_abc",
          "ana@example.com",
          "Ana María, Jr.");

  @Test
  void env_isWhatClaudeCodeNeeds() {
    assertEquals(
        Map.of(
            "CLAUDE_CODE_ENABLE_TELEMETRY", "1",
            "OTEL_METRICS_EXPORTER", "otlp",
            "OTEL_LOGS_EXPORTER", "otlp",
            "OTEL_METRIC_EXPORT_INTERVAL", "300000",
            "OTEL_LOGS_EXPORT_INTERVAL", "300000",
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
            "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318/api/otel",
            "OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer ccotel_ingest_abc",
            "OTEL_RESOURCE_ATTRIBUTES",
                "user.email=ana@example.com,user.name=Ana%20Mar%C3%ADa%2C%20Jr."),
        ENV);
  }

  @Test
  void env_carriesTheGivenExportIntervals_inMilliseconds() {
    Map<String, String> env =
        ClaudeCodeSettings.env(
            "e",
            "t",
            "ana@example.com",
            Optional.empty(),
            ExportIntervals.parse("metrics=5m,logs=90s"));
    assertEquals("300000", env.get("OTEL_METRIC_EXPORT_INTERVAL"));
    assertEquals("90000", env.get("OTEL_LOGS_EXPORT_INTERVAL"));
    assertEquals("user.email=ana@example.com", env.get("OTEL_RESOURCE_ATTRIBUTES"));
  }

  @Test
  void placeholders_areTheDocumentedOnes() {
    assertEquals(
        "user.email=you@example.com,user.name=First%20Last",
        ClaudeCodeSettings.env(
                "e", "t", ClaudeCodeSettings.EMAIL_PLACEHOLDER, ClaudeCodeSettings.NAME_PLACEHOLDER)
            .get("OTEL_RESOURCE_ATTRIBUTES"));
  }

  @Test
  void merge_keepsEverythingElse_andOverridesOnlyOurKeys() {
    String existing =
        """
        {
          "model": "opus",
          "permissions": {"allow": ["Bash(git status)"], "deny": []},
          "env": {"FOO": "bar", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://old", "N": 1},
          "hooks": null
        }
        """;

    JsonNode merged =
        Json.read(ClaudeCodeSettings.merge(existing, ENV).getBytes(StandardCharsets.UTF_8));

    assertEquals("opus", merged.get("model").asText());
    assertEquals("Bash(git status)", merged.get("permissions").get("allow").get(0).asText());
    assertEquals(0, merged.get("permissions").get("deny").size());
    assertEquals(true, merged.get("hooks").isNull());
    assertEquals("bar", merged.get("env").get("FOO").asText());
    assertEquals(1, merged.get("env").get("N").asInt());
    assertEquals(
        "http://127.0.0.1:4318/api/otel",
        merged.get("env").get("OTEL_EXPORTER_OTLP_ENDPOINT").asText());
    assertEquals(2 + ENV.size(), merged.get("env").size()); // FOO and N kept
  }

  @Test
  void merge_intoSettingsWithoutEnv_addsIt() {
    JsonNode merged =
        Json.read(
            ClaudeCodeSettings.merge("{\"model\":\"opus\"}", ENV).getBytes(StandardCharsets.UTF_8));
    assertEquals("opus", merged.get("model").asText());
    assertEquals(ENV.size(), merged.get("env").size());
  }

  @Test
  void merge_intoNothing_isJustOurSettings() {
    JsonNode merged = Json.read(ClaudeCodeSettings.merge("", ENV).getBytes(StandardCharsets.UTF_8));
    assertEquals(1, merged.size());
    assertEquals("1", merged.get("env").get("CLAUDE_CODE_ENABLE_TELEMETRY").asText());
  }

  @Test
  void merge_refusesWhatIsNotASettingsObject() {
    assertThrows(IllegalArgumentException.class, () -> ClaudeCodeSettings.merge("[1,2]", ENV));
    assertThrows(IllegalArgumentException.class, () -> ClaudeCodeSettings.merge("{\"a\": ", ENV));
    assertThrows(IllegalArgumentException.class, () -> ClaudeCodeSettings.merge("{} {}", ENV));
  }
}
