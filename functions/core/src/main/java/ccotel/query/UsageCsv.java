package ccotel.query;

import ccotel.views.ActorDisplay;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The same records flattened for spreadsheets: one row per (user, day, model), the user-day's own
 * numbers repeated on each of its model rows; a user-day without model usage is one row with the
 * model columns empty.
 */
final class UsageCsv {

  /** The columns after the date and the actor's (CONTRACT §4 CSV; the view names the actor). */
  static final String AFTER_ACTOR =
      "team,department,cost_center,num_sessions,lines_added,lines_removed,"
          + "commits_by_claude_code,pull_requests_by_claude_code,"
          + "edit_tool_accepted,edit_tool_rejected,multi_edit_tool_accepted,multi_edit_tool_rejected,"
          + "write_tool_accepted,write_tool_rejected,notebook_edit_tool_accepted,"
          + "notebook_edit_tool_rejected,prompts,api_errors,active_time_seconds,"
          + "model,input_tokens,output_tokens,cache_read_tokens,cache_creation_tokens,"
          + "estimated_cost_cents_usd,api_requests";

  private UsageCsv() {}

  /** The header row of {@code display}'s answers. */
  static String header(ActorDisplay display) {
    return "date," + String.join(",", display.csvColumns()) + "," + AFTER_ACTOR;
  }

  static byte[] page(List<DailyUsage> records, ActorDisplay display) {
    StringBuilder csv = new StringBuilder(header(display)).append("\r\n");
    for (DailyUsage usage : records) {
      StringBuilder day = new StringBuilder();
      day.append(usage.key().day()).append(',');
      for (String value : display.csvValues(usage.key().user())) {
        day.append(field(value)).append(',');
      }
      day.append(field(usage.membership().team().orElse(""))).append(',');
      day.append(field(usage.membership().department().orElse(""))).append(',');
      day.append(field(usage.membership().costCenter().orElse(""))).append(',');
      day.append(usage.sessions()).append(',');
      day.append(usage.linesAdded()).append(',').append(usage.linesRemoved()).append(',');
      day.append(usage.commits()).append(',').append(usage.pullRequests()).append(',');
      for (String tool : DailyUsage.EDIT_TOOLS) {
        DailyUsage.Decisions decisions = usage.editTool(tool);
        day.append(decisions.accepted()).append(',').append(decisions.rejected()).append(',');
      }
      day.append(usage.prompts()).append(',').append(usage.apiErrors()).append(',');
      day.append(usage.totalActiveSeconds().toPlainString()).append(',');
      if (usage.models().isEmpty()) {
        csv.append(day).append(",,,,,,").append("\r\n");
      }
      for (DailyUsage.ModelUsage model : usage.models()) {
        csv.append(day)
            .append(field(model.model()))
            .append(',')
            .append(model.inputTokens())
            .append(',')
            .append(model.outputTokens())
            .append(',')
            .append(model.cacheReadTokens())
            .append(',')
            .append(model.cacheCreationTokens())
            .append(',')
            .append(model.costCents().toPlainString())
            .append(',')
            .append(model.apiRequests())
            .append("\r\n");
      }
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * RFC 4180 quoting, and a leading quote mark for values a spreadsheet would run as a formula
   * (user-controlled text such as model names and e-mails ends up here): those starting with one of
   * {@code = + - @}, a look-alike of them (full-width {@code ＝＋－＠}, small forms, the minus sign),
   * or any whitespace, control or invisible character (tab, CR, space, NBSP, zero-width space…),
   * which spreadsheets may skip before reading a formula. Control characters are never stored; any
   * left are replaced.
   */
  static String field(String value) {
    String printable = withoutControlCharacters(value);
    String safe = startsLikeAFormula(value) ? "'" + printable : printable;
    if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
      return '"' + safe.replace("\"", "\"\"") + '"';
    }
    return safe;
  }

  private static boolean startsLikeAFormula(String value) {
    if (value.isEmpty()) {
      return false;
    }
    char first = value.charAt(0);
    return switch (first) {
      case '=', '+', '-', '@' -> true;
      case '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20' -> true; // full-width
      case '\uFE66', '\uFE62', '\uFE63', '\uFE6B' -> true; // small forms
      case '\u2212' -> true; // minus sign
      default ->
          Character.isWhitespace(first)
              || Character.isSpaceChar(first)
              || Character.isISOControl(first)
              || Character.getType(first) == Character.FORMAT; // zero-width space, BOM, bidi
    };
  }

  private static String withoutControlCharacters(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        StringBuilder replaced = new StringBuilder(value.length());
        value
            .chars()
            .forEach(c -> replaced.append(Character.isISOControl(c) ? '\uFFFD' : (char) c));
        return replaced.toString();
      }
    }
    return value;
  }
}
