package ccotel.summary;

import ccotel.auth.ReadView;
import ccotel.query.DailyUsage;
import ccotel.query.UsageJson;
import ccotel.views.ActorDisplay;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Writes a summary in the JSON shape of CONTRACT §5, amounts as §4 writes them. */
final class SummaryJson {

  private SummaryJson() {}

  /**
   * @param view also written, as {@code "view"}, so that a dashboard can adapt; the aggregate
   *     view's answer has no {@code by_user} at all
   * @param display how {@code by_user} shows each actor
   */
  static byte[] of(UsageSummary summary, ReadView view, ActorDisplay display) {
    return UsageJson.write(
        json -> {
          json.writeStartObject();
          json.writeStringField("view", view.label());
          json.writeStringField("starting_at", summary.range().from().toString());
          json.writeStringField("ending_at", summary.range().to().toString());
          if (summary.lastExportAt().isPresent()) {
            json.writeStringField(
                "last_export_at",
                DateTimeFormatter.ISO_INSTANT.format(summary.lastExportAt().get()));
          } else {
            json.writeNullField("last_export_at");
          }

          json.writeObjectFieldStart("totals");
          figures(json, summary.totals().figures());
          json.writeNumberField("active_users", summary.totals().activeUsers());
          json.writeEndObject();

          json.writeArrayFieldStart("by_day");
          for (UsageSummary.Day day : summary.byDay()) {
            json.writeStartObject();
            json.writeStringField("date", day.date().toString());
            figures(json, day.figures());
            json.writeNumberField("active_users", day.activeUsers());
            json.writeEndObject();
          }
          json.writeEndArray();

          if (view != ReadView.AGGREGATE) {
            json.writeArrayFieldStart("by_user");
            for (UsageSummary.User user : usersInOrder(summary, display)) {
              json.writeStartObject();
              display.writeActor(json, user.actor());
              team(json, user.team().orElse(null));
              figures(json, user.figures());
              json.writeNumberField("active_days", user.activeDays());
              json.writeStringField("last_active", user.lastActive().toString());
              json.writeEndObject();
            }
            json.writeEndArray();
          }

          json.writeArrayFieldStart("by_team");
          for (UsageSummary.Team team : summary.byTeam()) {
            json.writeStartObject();
            team(json, team.team().orElse(null));
            figures(json, team.figures());
            json.writeNumberField("active_users", team.activeUsers());
            json.writeEndObject();
          }
          json.writeEndArray();

          json.writeArrayFieldStart("by_model");
          for (DailyUsage.ModelUsage model : summary.byModel()) {
            json.writeStartObject();
            json.writeStringField("model", model.model());
            tokens(
                json,
                model.inputTokens(),
                model.outputTokens(),
                model.cacheReadTokens(),
                model.cacheCreationTokens());
            UsageJson.cost(json, model.costNanoUsd());
            json.writeNumberField("api_requests", model.apiRequests());
            json.writeEndObject();
          }
          json.writeEndArray();

          json.writeArrayFieldStart("by_tool");
          for (UsageSummary.Tool tool : summary.byTool()) {
            json.writeStartObject();
            json.writeStringField("tool", tool.tool());
            json.writeNumberField("accepted", tool.accepted());
            json.writeNumberField("rejected", tool.rejected());
            json.writeEndObject();
          }
          json.writeEndArray();

          json.writeArrayFieldStart("by_terminal");
          for (UsageSummary.Terminal terminal : summary.byTerminal()) {
            json.writeStartObject();
            json.writeStringField("terminal_type", terminal.terminalType());
            json.writeNumberField("num_sessions", terminal.sessions());
            json.writeNumberField("active_users", terminal.activeUsers());
            UsageJson.cost(json, terminal.costNanoUsd());
            json.writeEndObject();
          }
          json.writeEndArray();

          json.writeEndObject();
        });
  }

  /**
   * Highest cost first, ties by the actor as shown: for pseudonyms by pseudonym, so that not even
   * the order of equal users follows their e-mails.
   */
  private static List<UsageSummary.User> usersInOrder(UsageSummary summary, ActorDisplay display) {
    List<UsageSummary.User> users = new ArrayList<>(summary.byUser());
    users.sort(
        Comparator.comparingLong((UsageSummary.User u) -> u.figures().costNanoUsd())
            .reversed()
            .thenComparing(u -> display.position(u.actor())));
    return users;
  }

  /** CONTRACT §5's FIGURES keys. */
  private static void figures(JsonGenerator json, Figures figures) throws IOException {
    json.writeNumberField("num_sessions", figures.sessions());
    json.writeNumberField("lines_added", figures.linesAdded());
    json.writeNumberField("lines_removed", figures.linesRemoved());
    json.writeNumberField("commits", figures.commits());
    json.writeNumberField("pull_requests", figures.pullRequests());
    json.writeNumberField("prompts", figures.prompts());
    json.writeNumberField("api_requests", figures.apiRequests());
    json.writeNumberField("api_errors", figures.apiErrors());
    tokens(
        json,
        figures.inputTokens(),
        figures.outputTokens(),
        figures.cacheReadTokens(),
        figures.cacheCreationTokens());
    UsageJson.cost(json, figures.costNanoUsd());
    json.writeObjectFieldStart("edit_decisions");
    json.writeNumberField("accepted", figures.editAccepted());
    json.writeNumberField("rejected", figures.editRejected());
    json.writeEndObject();
  }

  private static void tokens(
      JsonGenerator json, long input, long output, long cacheRead, long cacheCreation)
      throws IOException {
    json.writeObjectFieldStart("tokens");
    json.writeNumberField("input", input);
    json.writeNumberField("output", output);
    json.writeNumberField("cache_read", cacheRead);
    json.writeNumberField("cache_creation", cacheCreation);
    json.writeEndObject();
  }

  private static void team(JsonGenerator json, String team) throws IOException {
    if (team == null) {
      json.writeNullField("team");
    } else {
      json.writeStringField("team", team);
    }
  }
}
