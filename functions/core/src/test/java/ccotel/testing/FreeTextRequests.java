package ccotel.testing;

import static ccotel.testing.OtlpRequests.attribute;
import static ccotel.testing.OtlpRequests.nanos;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import java.nio.charset.StandardCharsets;

/**
 * Requests that carry free text ccotel must never queue, store or log, each piece marked so that a
 * test can search for it byte by byte: what Claude Code sends with {@code OTEL_LOG_USER_PROMPTS=1}
 * and a tool's input, plus a model response, a record body and a resource attribute.
 */
public final class FreeTextRequests {

  public static final String MARKER = "FREE-TEXT-MARKER";
  public static final String PROMPT = MARKER + "-prompt please refactor my secret code";
  public static final String TOOL_INPUT = MARKER + "-tool rm -rf /home/dev/secret";
  public static final String RESOURCE_VALUE = MARKER + "-resource";

  private FreeTextRequests() {}

  /**
   * On 2026-11-24 for dev@example.com: one user_prompt (its prompt also as the record body), one
   * successful Bash tool_result with its parameters, one assistant_response.
   */
  public static ExportLogsServiceRequest promptAndToolResult() {
    long time = nanos("2026-11-24T10:00:00Z");
    ExportLogsServiceRequest.Builder request =
        OtlpRequests.logs("dev@example.com")
            .event("user_prompt", time, "prompt", PROMPT, "prompt_length", "50")
            .event(
                "tool_result",
                time,
                "tool_name",
                "Bash",
                "success",
                "true",
                "tool_parameters",
                "{\"command\":\"" + TOOL_INPUT + "\"}")
            .event("assistant_response", time, "response", PROMPT)
            .build()
            .toBuilder();
    request
        .getResourceLogsBuilder(0)
        .getResourceBuilder()
        .addAttributes(attribute("host.name", RESOURCE_VALUE));
    request
        .getResourceLogsBuilder(0)
        .getScopeLogsBuilder(0)
        .getLogRecordsBuilder(0)
        .setBody(AnyValue.newBuilder().setStringValue(PROMPT));
    return request.build();
  }

  /** Whether {@code bytes} hold the marker's UTF-8 bytes anywhere. */
  public static boolean holdsMarker(byte[] bytes) {
    // ISO-8859-1 maps every byte to one char: a byte-wise search.
    return new String(bytes, StandardCharsets.ISO_8859_1).contains(MARKER);
  }
}
