package ccotel.query;

import ccotel.views.ActorDisplay;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Writes query answers in the JSON shape of CONTRACT §4 (that of the fixtures' expected.json). */
public final class UsageJson {

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();

  private UsageJson() {}

  static byte[] page(List<DailyUsage> records, Optional<String> nextPage, ActorDisplay display) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeArrayFieldStart("data");
          for (DailyUsage record : records) {
            record(json, record, display);
          }
          json.writeEndArray();
          json.writeBooleanField("has_more", nextPage.isPresent());
          if (nextPage.isPresent()) {
            json.writeStringField("next_page", nextPage.get());
          } else {
            json.writeNullField("next_page");
          }
          json.writeEndObject();
        });
  }

  /** An error answer, shaped like the Anthropic API's: {"error": {"type", "message"}}. */
  static byte[] error(String type, String message) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeObjectFieldStart("error");
          json.writeStringField("type", type);
          json.writeStringField("message", message);
          json.writeEndObject();
          json.writeEndObject();
        });
  }

  private static void record(JsonGenerator json, DailyUsage usage, ActorDisplay display)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("date", usage.key().day() + "T00:00:00Z");
    display.writeActor(json, usage.key().user());
    // As the Claude Code Analytics API names them; null when Claude Code sent none that day.
    nullable(json, "organization_id", usage.organizationId());
    nullable(json, "terminal_type", usage.terminalType());

    json.writeObjectFieldStart("core_metrics");
    json.writeNumberField("num_sessions", usage.sessions());
    json.writeObjectFieldStart("lines_of_code");
    json.writeNumberField("added", usage.linesAdded());
    json.writeNumberField("removed", usage.linesRemoved());
    json.writeEndObject();
    json.writeNumberField("commits_by_claude_code", usage.commits());
    json.writeNumberField("pull_requests_by_claude_code", usage.pullRequests());
    json.writeEndObject();

    json.writeObjectFieldStart("tool_actions");
    for (String tool : DailyUsage.EDIT_TOOLS) {
      DailyUsage.Decisions decisions = usage.editTool(tool);
      json.writeObjectFieldStart(editToolField(tool));
      json.writeNumberField("accepted", decisions.accepted());
      json.writeNumberField("rejected", decisions.rejected());
      json.writeEndObject();
    }
    json.writeEndObject();

    json.writeArrayFieldStart("model_breakdown");
    for (DailyUsage.ModelUsage model : usage.models()) {
      json.writeStartObject();
      json.writeStringField("model", model.model());
      json.writeObjectFieldStart("tokens");
      json.writeNumberField("input", model.inputTokens());
      json.writeNumberField("output", model.outputTokens());
      json.writeNumberField("cache_read", model.cacheReadTokens());
      json.writeNumberField("cache_creation", model.cacheCreationTokens());
      json.writeEndObject();
      cost(json, model.costNanoUsd());
      json.writeEndObject();
    }
    json.writeEndArray();

    json.writeObjectFieldStart("ccotel");
    nullable(json, "team", usage.membership().team());
    nullable(json, "department", usage.membership().department());
    nullable(json, "cost_center", usage.membership().costCenter());
    json.writeNumberField("prompts", usage.prompts());
    longs(json, "api_requests", usage.apiRequests());
    json.writeNumberField("api_errors", usage.apiErrors());
    json.writeObjectFieldStart("active_time_seconds");
    for (Map.Entry<String, BigDecimal> type : usage.activeSeconds().entrySet()) {
      json.writeNumberField(type.getKey(), type.getValue());
    }
    json.writeEndObject();
    json.writeObjectFieldStart("tool_decisions");
    for (Map.Entry<String, DailyUsage.Decisions> tool : usage.toolDecisions().entrySet()) {
      json.writeObjectFieldStart(tool.getKey());
      json.writeNumberField("accepted", tool.getValue().accepted());
      json.writeNumberField("rejected", tool.getValue().rejected());
      json.writeEndObject();
    }
    json.writeEndObject();
    json.writeObjectFieldStart("tool_results");
    for (Map.Entry<String, DailyUsage.Results> tool : usage.toolResults().entrySet()) {
      json.writeObjectFieldStart(tool.getKey());
      json.writeNumberField("succeeded", tool.getValue().succeeded());
      json.writeNumberField("failed", tool.getValue().failed());
      json.writeEndObject();
    }
    json.writeEndObject();
    json.writeArrayFieldStart("terminals");
    for (DailyUsage.TerminalUsage terminal : usage.terminals()) {
      json.writeStartObject();
      json.writeStringField("terminal_type", terminal.terminalType());
      json.writeNumberField("num_sessions", terminal.sessions());
      cost(json, terminal.costNanoUsd());
      json.writeEndObject();
    }
    json.writeEndArray();
    if (!usage.unreadableCounters().isEmpty()) {
      // Only on a row with a bad stored value: it answers, and says which numbers it lacks.
      json.writeArrayFieldStart("unreadable_counters");
      for (String counter : usage.unreadableCounters()) {
        json.writeString(counter);
      }
      json.writeEndArray();
    }
    json.writeEndObject();

    json.writeEndObject();
  }

  /** {@code "estimated_cost": {"currency": "USD", "amount": cents}}, as §4 writes it. */
  public static void cost(JsonGenerator json, long nanoUsd) throws IOException {
    json.writeObjectFieldStart("estimated_cost");
    json.writeStringField("currency", "USD");
    json.writeNumberField("amount", DailyUsage.cents(nanoUsd));
    json.writeEndObject();
  }

  private static void nullable(JsonGenerator json, String field, Optional<String> value)
      throws IOException {
    if (value.isPresent()) {
      json.writeStringField(field, value.get());
    } else {
      json.writeNullField(field);
    }
  }

  private static void longs(JsonGenerator json, String field, Map<String, Long> values)
      throws IOException {
    json.writeObjectFieldStart(field);
    for (Map.Entry<String, Long> value : values.entrySet()) {
      json.writeNumberField(value.getKey(), value.getValue());
    }
    json.writeEndObject();
  }

  static String editToolField(String tool) {
    return switch (tool) {
      case "Edit" -> "edit_tool";
      case "MultiEdit" -> "multi_edit_tool";
      case "Write" -> "write_tool";
      case "NotebookEdit" -> "notebook_edit_tool";
      default -> throw new IllegalArgumentException("not an edit tool: " + tool);
    };
  }

  /** Writes one JSON document. */
  public interface Writing {
    void writeTo(JsonGenerator json) throws IOException;
  }

  /** The document {@code writing} writes, with amounts as plain decimals (never 1E+1). */
  public static byte[] write(Writing writing) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      writing.writeTo(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
