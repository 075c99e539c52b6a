package ccotel.query;

import ccotel.teams.Membership;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.Labels;
import ccotel.usage.UsageKey;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One usage record as dashboards see it (CONTRACT §4), derived from a user-day's counters. This is
 * where the "metrics, else events, never both" rule for tokens and cost is applied, per model.
 * {@code unreadableCounters} names stored counters that held no count and read as 0 (see {@link
 * StoredUsage}); it is empty for every user-day ccotel wrote within its limits.
 *
 * <p>{@code labels} are the user-day's label tallies ({@link Labels}); {@code organizationId} and
 * {@code membership} start as the values they name most often, and {@code membership} is replaced
 * by the roster's where the roster names the user ({@code ccotel.teams.TeamAssignment}). {@code
 * terminalType} is the named terminal with the most sessions (ties: the first by name), if any.
 */
public record DailyUsage(
    UsageKey key,
    long sessions,
    long linesAdded,
    long linesRemoved,
    long commits,
    long pullRequests,
    SortedMap<String, Decisions> editTools,
    List<ModelUsage> models,
    long prompts,
    SortedMap<String, Long> apiRequests,
    long apiErrors,
    SortedMap<String, BigDecimal> activeSeconds,
    SortedMap<String, Decisions> toolDecisions,
    SortedMap<String, Results> toolResults,
    List<TerminalUsage> terminals,
    SortedSet<String> unreadableCounters,
    SortedMap<String, Long> labels,
    Optional<String> organizationId,
    Optional<String> terminalType,
    Membership membership) {

  /** Sessions and cost of points and records that named no {@code terminal.type}. */
  public static final String UNKNOWN_TERMINAL = "unknown";

  /** The edit tools the Claude Code Analytics API reports, by tool name. */
  public static final List<String> EDIT_TOOLS =
      List.of("Edit", "MultiEdit", "Write", "NotebookEdit");

  public record Decisions(long accepted, long rejected) {}

  public record Results(long succeeded, long failed) {}

  /**
   * One {@code terminal.type}'s sessions and cost (that of the same per-model source as {@link
   * #models}, so a user-day's terminals' costs sum to its models' costs).
   */
  public record TerminalUsage(String terminalType, long sessions, long costNanoUsd) {

    public BigDecimal costCents() {
      return cents(costNanoUsd);
    }
  }

  /** One model's tokens and cost (integer nano-USD, shown in cents: {@link #cents}). */
  public record ModelUsage(
      String model,
      long inputTokens,
      long outputTokens,
      long cacheReadTokens,
      long cacheCreationTokens,
      long costNanoUsd,
      long apiRequests) {

    /** The two models' sums (of one model: the name is this one's). */
    public ModelUsage plus(ModelUsage other) {
      return new ModelUsage(
          model,
          Math.addExact(inputTokens, other.inputTokens),
          Math.addExact(outputTokens, other.outputTokens),
          Math.addExact(cacheReadTokens, other.cacheReadTokens),
          Math.addExact(cacheCreationTokens, other.cacheCreationTokens),
          Math.addExact(costNanoUsd, other.costNanoUsd),
          Math.addExact(apiRequests, other.apiRequests));
    }

    public BigDecimal costCents() {
      return cents(costNanoUsd);
    }
  }

  /** An amount of nano-USD in cents, exact: 1 cent = 10^7 nano-USD. */
  public static BigDecimal cents(long nanoUsd) {
    return BigDecimal.valueOf(nanoUsd, 7).stripTrailingZeros();
  }

  public static DailyUsage of(StoredUsage row) {
    ByFamily stored = new ByFamily(row);
    List<ModelUsage> models = models(stored);
    List<TerminalUsage> terminals = terminals(stored, models);
    SortedMap<String, Long> labels = stored.byDimension(CounterFamily.LABEL);
    return new DailyUsage(
        row.key(),
        stored.get(CounterFamily.SESSIONS),
        stored.get(CounterFamily.LINES_ADDED),
        stored.get(CounterFamily.LINES_REMOVED),
        stored.get(CounterFamily.COMMITS),
        stored.get(CounterFamily.PULL_REQUESTS),
        editTools(stored),
        models,
        stored.get(CounterFamily.PROMPTS),
        stored.byDimension(CounterFamily.API_REQUESTS),
        stored.get(CounterFamily.API_ERRORS),
        activeSeconds(stored),
        decisions(stored, CounterFamily.TOOL_ACCEPTED, CounterFamily.TOOL_REJECTED),
        results(stored),
        terminals,
        row.unreadable(),
        labels,
        Labels.mostSeen(labels, Labels.ORGANIZATION_ID),
        terminalType(terminals),
        membership(labels));
  }

  /**
   * The membership {@link #of} gives {@code row}, without making the rest of its record (the
   * aggregate view sizes teams before it sums anything).
   */
  public static Membership membershipOf(StoredUsage row) {
    return membership(new ByFamily(row).byDimension(CounterFamily.LABEL));
  }

  private static Membership membership(SortedMap<String, Long> labels) {
    return new Membership(
        Labels.mostSeen(labels, Labels.TEAM),
        Labels.mostSeen(labels, Labels.DEPARTMENT),
        Labels.mostSeen(labels, Labels.COST_CENTER));
  }

  /** The same record reported under {@code membership}. */
  public DailyUsage withMembership(Membership membership) {
    return new DailyUsage(
        key,
        sessions,
        linesAdded,
        linesRemoved,
        commits,
        pullRequests,
        editTools,
        models,
        prompts,
        apiRequests,
        apiErrors,
        activeSeconds,
        toolDecisions,
        toolResults,
        terminals,
        unreadableCounters,
        labels,
        organizationId,
        terminalType,
        membership);
  }

  /**
   * The terminal type Claude Code named with the most sessions that day, ties to the first by name;
   * empty when no named terminal had a session ("unknown" is not one Claude Code sent).
   */
  private static Optional<String> terminalType(List<TerminalUsage> terminals) {
    TerminalUsage most = null;
    for (TerminalUsage terminal : terminals) { // in name order
      if (!terminal.terminalType().equals(UNKNOWN_TERMINAL)
          && terminal.sessions() > 0
          && (most == null || terminal.sessions() > most.sessions())) {
        most = terminal;
      }
    }
    return Optional.ofNullable(most).map(TerminalUsage::terminalType);
  }

  private static SortedMap<String, Decisions> editTools(ByFamily stored) {
    SortedMap<String, Decisions> tools = new TreeMap<>();
    for (String tool : EDIT_TOOLS) {
      tools.put(
          tool,
          new Decisions(
              stored.get(CounterFamily.EDIT_ACCEPTED, tool),
              stored.get(CounterFamily.EDIT_REJECTED, tool)));
    }
    return tools;
  }

  private static List<ModelUsage> models(ByFamily stored) {
    SortedSet<String> models = new TreeSet<>();
    stored.families.forEach(
        (family, values) -> {
          if (family.dimension() == CounterFamily.Dimension.MODEL) {
            models.addAll(values.keySet());
          }
        });
    List<ModelUsage> usage = new ArrayList<>();
    for (String model : models) {
      boolean fromMetrics = stored.get(CounterFamily.METRIC_POINTS, model) > 0;
      usage.add(
          fromMetrics
              ? modelUsage(
                  stored,
                  model,
                  CounterFamily.METRIC_INPUT_TOKENS,
                  CounterFamily.METRIC_OUTPUT_TOKENS,
                  CounterFamily.METRIC_CACHE_READ_TOKENS,
                  CounterFamily.METRIC_CACHE_CREATION_TOKENS,
                  CounterFamily.METRIC_COST_NANO_USD)
              : modelUsage(
                  stored,
                  model,
                  CounterFamily.EVENT_INPUT_TOKENS,
                  CounterFamily.EVENT_OUTPUT_TOKENS,
                  CounterFamily.EVENT_CACHE_READ_TOKENS,
                  CounterFamily.EVENT_CACHE_CREATION_TOKENS,
                  CounterFamily.EVENT_COST_NANO_USD));
    }
    return usage;
  }

  private static ModelUsage modelUsage(
      ByFamily stored,
      String model,
      CounterFamily input,
      CounterFamily output,
      CounterFamily cacheRead,
      CounterFamily cacheCreation,
      CounterFamily costNanoUsd) {
    return new ModelUsage(
        model,
        stored.get(input, model),
        stored.get(output, model),
        stored.get(cacheRead, model),
        stored.get(cacheCreation, model),
        stored.get(costNanoUsd, model),
        stored.get(CounterFamily.API_REQUESTS, model));
  }

  /**
   * Sessions and cost per terminal type. Points without one are counted only in the totals, so
   * "unknown" is what the totals hold beyond the named terminals (all of it for days stored before
   * terminals were counted). Each model's cost comes from the source its totals come from.
   */
  private static List<TerminalUsage> terminals(ByFamily stored, List<ModelUsage> models) {
    SortedMap<String, Long> sessions = stored.byDimension(CounterFamily.TERMINAL_SESSIONS);
    SortedMap<String, Long> costs = new TreeMap<>();
    long unknownCost = 0;
    for (ModelUsage model : models) {
      CounterFamily source =
          stored.get(CounterFamily.METRIC_POINTS, model.model()) > 0
              ? CounterFamily.TERMINAL_METRIC_COST_NANO_USD
              : CounterFamily.TERMINAL_EVENT_COST_NANO_USD;
      long named = 0;
      for (Map.Entry<String, Long> counter : stored.byDimension(source).entrySet()) {
        List<String> parts = Counter.of(source, counter.getKey()).dimensionParts();
        if (parts.size() == 2 && parts.get(1).equals(model.model())) {
          costs.merge(parts.get(0), counter.getValue(), Math::addExact);
          named = Math.addExact(named, counter.getValue());
        }
      }
      unknownCost = Math.addExact(unknownCost, Math.max(0, model.costNanoUsd() - named));
    }
    long unknownSessions = 0;
    for (long named : sessions.values()) {
      unknownSessions = Math.addExact(unknownSessions, named);
    }
    unknownSessions = Math.max(0, stored.get(CounterFamily.SESSIONS) - unknownSessions);
    SortedMap<String, TerminalUsage> terminals = new TreeMap<>();
    TreeSet<String> types = new TreeSet<>(sessions.keySet());
    types.addAll(costs.keySet());
    for (String type : types) {
      terminals.put(
          type,
          new TerminalUsage(type, sessions.getOrDefault(type, 0L), costs.getOrDefault(type, 0L)));
    }
    if (unknownSessions > 0 || unknownCost > 0) {
      TerminalUsage named = terminals.get(UNKNOWN_TERMINAL);
      terminals.put(
          UNKNOWN_TERMINAL,
          named == null
              ? new TerminalUsage(UNKNOWN_TERMINAL, unknownSessions, unknownCost)
              : new TerminalUsage(
                  UNKNOWN_TERMINAL,
                  Math.addExact(named.sessions(), unknownSessions),
                  Math.addExact(named.costNanoUsd(), unknownCost)));
    }
    return List.copyOf(terminals.values());
  }

  /**
   * A user-day's counters grouped by family in one pass, so that each figure is a small lookup
   * instead of a search of all its counters (a summary makes 90,000 records).
   */
  private static final class ByFamily {

    private final Map<CounterFamily, SortedMap<String, Long>> families =
        new EnumMap<>(CounterFamily.class);

    ByFamily(StoredUsage row) {
      row.counters()
          .forEach(
              (counter, value) ->
                  families
                      .computeIfAbsent(counter.family(), f -> new TreeMap<>())
                      .put(counter.dimension(), value));
    }

    long get(CounterFamily family) {
      return get(family, "");
    }

    long get(CounterFamily family, String dimension) {
      SortedMap<String, Long> values = families.get(family);
      return values == null ? 0 : values.getOrDefault(dimension, 0L);
    }

    /** The family's values by dimension, a copy the caller may keep. */
    SortedMap<String, Long> byDimension(CounterFamily family) {
      SortedMap<String, Long> values = families.get(family);
      return values == null ? new TreeMap<>() : new TreeMap<>(values);
    }
  }

  private static SortedMap<String, BigDecimal> activeSeconds(ByFamily stored) {
    SortedMap<String, BigDecimal> seconds = new TreeMap<>();
    stored
        .byDimension(CounterFamily.ACTIVE_MICROS)
        .forEach(
            (type, micros) ->
                seconds.put(type, BigDecimal.valueOf(micros, 6).stripTrailingZeros()));
    return seconds;
  }

  private static SortedMap<String, Decisions> decisions(
      ByFamily stored, CounterFamily accepted, CounterFamily rejected) {
    SortedMap<String, Long> accepts = stored.byDimension(accepted);
    SortedMap<String, Long> rejects = stored.byDimension(rejected);
    SortedMap<String, Decisions> decisions = new TreeMap<>();
    TreeSet<String> tools = new TreeSet<>(accepts.keySet());
    tools.addAll(rejects.keySet());
    for (String tool : tools) {
      decisions.put(
          tool, new Decisions(accepts.getOrDefault(tool, 0L), rejects.getOrDefault(tool, 0L)));
    }
    return decisions;
  }

  private static SortedMap<String, Results> results(ByFamily stored) {
    SortedMap<String, Decisions> both =
        decisions(stored, CounterFamily.TOOL_SUCCEEDED, CounterFamily.TOOL_FAILED);
    SortedMap<String, Results> results = new TreeMap<>();
    both.forEach((tool, d) -> results.put(tool, new Results(d.accepted(), d.rejected())));
    return results;
  }

  /** Sum of all active-time types, for the flat CSV. */
  public BigDecimal totalActiveSeconds() {
    BigDecimal total = BigDecimal.ZERO;
    for (BigDecimal seconds : activeSeconds.values()) {
      total = total.add(seconds);
    }
    return total.stripTrailingZeros();
  }

  /** The edit-tool decisions of one tool (zero when it was never used). */
  public Decisions editTool(String tool) {
    return editTools.getOrDefault(tool, new Decisions(0, 0));
  }
}
