package ccotel.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The summary (CONTRACT §5) a set of §4 records must give, summed here from the records' JSON
 * alone, independently of the service's code: what tests check a summary against. {@code
 * last_export_at} is left out (it is no sum).
 */
public final class RecordSums {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> EDIT_TOOLS =
      List.of("edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool");

  private RecordSums() {}

  /**
   * @param records §4 records (any order, any dates: those outside the range are left out)
   * @param team the {@code team=} filter, if any: each record's team is its {@code ccotel.team}
   */
  public static ObjectNode summary(
      List<JsonNode> records, LocalDate from, LocalDate to, Optional<String> team) {
    Sums total = new Sums();
    Map<LocalDate, Sums> byDay = new TreeMap<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      byDay.put(day, new Sums());
    }
    Map<String, Sums> byUser = new HashMap<>();
    Map<String, JsonNode> actors = new HashMap<>();
    Map<String, TreeSet<LocalDate>> userDays = new HashMap<>();
    Map<String, Sums> byTeam = new HashMap<>(); // "" for no team
    Map<String, String> latestTeam = new HashMap<>();
    Map<String, long[]> modelCounts = new TreeMap<>();
    Map<String, BigDecimal> modelCost = new HashMap<>();
    Map<String, long[]> tools = new TreeMap<>();
    Map<String, long[]> terminalSessions = new TreeMap<>();
    Map<String, BigDecimal> terminalCost = new HashMap<>();
    Map<String, Set<String>> terminalUsers = new HashMap<>();

    for (JsonNode record : records) {
      LocalDate day = LocalDate.parse(record.get("date").asText().substring(0, 10));
      String actor = Organisation.actorValue(record.get("actor"));
      String userTeam =
          record.at("/ccotel/team").isTextual() ? record.at("/ccotel/team").asText() : null;
      if (day.isBefore(from) || day.isAfter(to)) {
        continue;
      }
      if (team.isPresent() && !team.get().equals(userTeam)) {
        continue;
      }
      total.add(record, actor);
      byDay.get(day).add(record, actor);
      byUser.computeIfAbsent(actor, a -> new Sums()).add(record, actor);
      actors.put(actor, record.get("actor"));
      userDays.computeIfAbsent(actor, a -> new TreeSet<>()).add(day);
      if (!day.isBefore(userDays.get(actor).last())) {
        latestTeam.put(actor, userTeam); // by_user: the team of the user's latest record
      }
      byTeam.computeIfAbsent(userTeam == null ? "" : userTeam, t -> new Sums()).add(record, actor);
      for (JsonNode model : record.get("model_breakdown")) {
        String name = model.get("model").asText();
        long[] counts = modelCounts.computeIfAbsent(name, m -> new long[5]);
        counts[0] += model.at("/tokens/input").asLong();
        counts[1] += model.at("/tokens/output").asLong();
        counts[2] += model.at("/tokens/cache_read").asLong();
        counts[3] += model.at("/tokens/cache_creation").asLong();
        counts[4] += record.at("/ccotel/api_requests").path(name).asLong();
        modelCost.merge(name, model.at("/estimated_cost/amount").decimalValue(), BigDecimal::add);
      }
      record
          .at("/ccotel/tool_decisions")
          .fields()
          .forEachRemaining(
              tool -> {
                long[] counts = tools.computeIfAbsent(tool.getKey(), t -> new long[2]);
                counts[0] += tool.getValue().get("accepted").asLong();
                counts[1] += tool.getValue().get("rejected").asLong();
              });
      for (JsonNode terminal : record.at("/ccotel/terminals")) {
        String type = terminal.get("terminal_type").asText();
        terminalSessions.computeIfAbsent(type, t -> new long[1])[0] +=
            terminal.get("num_sessions").asLong();
        terminalCost.merge(
            type, terminal.at("/estimated_cost/amount").decimalValue(), BigDecimal::add);
        terminalUsers.computeIfAbsent(type, t -> new HashSet<>()).add(actor);
      }
    }

    ObjectNode summary = MAPPER.createObjectNode();
    summary.put("view", "full");
    summary.put("starting_at", from.toString());
    summary.put("ending_at", to.toString());
    summary.set("totals", total.json());
    ArrayNode days = summary.putArray("by_day");
    byDay.forEach(
        (day, sums) -> {
          ObjectNode json = MAPPER.createObjectNode();
          json.put("date", day.toString());
          json.setAll(sums.json());
          days.add(json);
        });
    ArrayNode users = summary.putArray("by_user");
    byUser.entrySet().stream()
        .sorted(
            Comparator.comparing((Map.Entry<String, Sums> e) -> e.getValue().cost)
                .reversed()
                .thenComparing(Map.Entry::getKey))
        .forEach(
            e -> {
              ObjectNode json = MAPPER.createObjectNode();
              json.set("actor", actors.get(e.getKey()));
              String userTeam = latestTeam.get(e.getKey());
              if (userTeam == null) {
                json.putNull("team");
              } else {
                json.put("team", userTeam);
              }
              ObjectNode figures = e.getValue().json();
              figures.remove("active_users");
              json.setAll(figures);
              json.put("active_days", userDays.get(e.getKey()).size());
              json.put("last_active", userDays.get(e.getKey()).last().toString());
              users.add(json);
            });
    ArrayNode teamsJson = summary.putArray("by_team");
    byTeam.entrySet().stream()
        .sorted(
            Comparator.comparing((Map.Entry<String, Sums> e) -> e.getValue().cost)
                .reversed()
                .thenComparing(e -> e.getKey().isEmpty() ? "\uffff" : e.getKey()))
        .forEach(
            e -> {
              ObjectNode json = MAPPER.createObjectNode();
              if (e.getKey().isEmpty()) {
                json.putNull("team");
              } else {
                json.put("team", e.getKey());
              }
              json.setAll(e.getValue().json());
              teamsJson.add(json);
            });
    ArrayNode models = summary.putArray("by_model");
    modelCounts.keySet().stream()
        .sorted(
            Comparator.comparing((String m) -> modelCost.get(m))
                .reversed()
                .thenComparing(Comparator.naturalOrder()))
        .forEach(
            name -> {
              long[] c = modelCounts.get(name);
              ObjectNode json = MAPPER.createObjectNode();
              json.put("model", name);
              json.set("tokens", tokens(c[0], c[1], c[2], c[3]));
              json.set("estimated_cost", cost(modelCost.get(name)));
              json.put("api_requests", c[4]);
              models.add(json);
            });
    ArrayNode toolsJson = summary.putArray("by_tool");
    tools.forEach(
        (tool, c) -> {
          ObjectNode json = MAPPER.createObjectNode();
          json.put("tool", tool);
          json.put("accepted", c[0]);
          json.put("rejected", c[1]);
          toolsJson.add(json);
        });
    ArrayNode terminals = summary.putArray("by_terminal");
    terminalSessions.keySet().stream()
        .sorted(
            Comparator.comparing((String t) -> terminalCost.get(t))
                .reversed()
                .thenComparing(Comparator.naturalOrder()))
        .forEach(
            type -> {
              ObjectNode json = MAPPER.createObjectNode();
              json.put("terminal_type", type);
              json.put("num_sessions", terminalSessions.get(type)[0]);
              json.put("active_users", terminalUsers.get(type).size());
              json.set("estimated_cost", cost(terminalCost.get(type)));
              terminals.add(json);
            });
    return summary;
  }

  /** The FIGURES of CONTRACT §5 and active_users, summed from records. */
  private static final class Sums {
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final long[] tokens = new long[4];
    private final long[] edits = new long[2];
    private BigDecimal cost = BigDecimal.ZERO;
    private final Set<String> actors = new HashSet<>();

    Sums() {
      for (String key :
          List.of(
              "num_sessions",
              "lines_added",
              "lines_removed",
              "commits",
              "pull_requests",
              "prompts",
              "api_requests",
              "api_errors")) {
        counts.put(key, 0L);
      }
    }

    void add(JsonNode record, String actor) {
      actors.add(actor);
      counts.merge("num_sessions", record.at("/core_metrics/num_sessions").asLong(), Long::sum);
      counts.merge(
          "lines_added", record.at("/core_metrics/lines_of_code/added").asLong(), Long::sum);
      counts.merge(
          "lines_removed", record.at("/core_metrics/lines_of_code/removed").asLong(), Long::sum);
      counts.merge(
          "commits", record.at("/core_metrics/commits_by_claude_code").asLong(), Long::sum);
      counts.merge(
          "pull_requests",
          record.at("/core_metrics/pull_requests_by_claude_code").asLong(),
          Long::sum);
      counts.merge("prompts", record.at("/ccotel/prompts").asLong(), Long::sum);
      record
          .at("/ccotel/api_requests")
          .forEach(n -> counts.merge("api_requests", n.asLong(), Long::sum));
      counts.merge("api_errors", record.at("/ccotel/api_errors").asLong(), Long::sum);
      for (JsonNode model : record.get("model_breakdown")) {
        tokens[0] += model.at("/tokens/input").asLong();
        tokens[1] += model.at("/tokens/output").asLong();
        tokens[2] += model.at("/tokens/cache_read").asLong();
        tokens[3] += model.at("/tokens/cache_creation").asLong();
        cost = cost.add(model.at("/estimated_cost/amount").decimalValue());
      }
      for (String tool : EDIT_TOOLS) {
        edits[0] += record.at("/tool_actions/" + tool + "/accepted").asLong();
        edits[1] += record.at("/tool_actions/" + tool + "/rejected").asLong();
      }
    }

    ObjectNode json() {
      ObjectNode json = MAPPER.createObjectNode();
      counts.forEach(json::put);
      json.set("tokens", tokens(tokens[0], tokens[1], tokens[2], tokens[3]));
      json.set("estimated_cost", cost(cost));
      ObjectNode decisions = json.putObject("edit_decisions");
      decisions.put("accepted", edits[0]);
      decisions.put("rejected", edits[1]);
      json.put("active_users", actors.size());
      return json;
    }
  }

  private static ObjectNode tokens(long input, long output, long cacheRead, long cacheCreation) {
    ObjectNode tokens = MAPPER.createObjectNode();
    tokens.put("input", input);
    tokens.put("output", output);
    tokens.put("cache_read", cacheRead);
    tokens.put("cache_creation", cacheCreation);
    return tokens;
  }

  private static ObjectNode cost(BigDecimal cents) {
    ObjectNode cost = MAPPER.createObjectNode();
    cost.put("currency", "USD");
    cost.put("amount", cents);
    return cost;
  }
}
