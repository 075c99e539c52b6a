package ccotel.usage;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds of counter kept per user-day. Each has a short stable code (it is the storage name, so
 * never change one) and says what its dimension is. Amounts are integers: money in nano-USD and
 * time in microseconds, so that sums are exact.
 */
public enum CounterFamily {
  SESSIONS("sessions", Dimension.NONE),
  LINES_ADDED("loc.added", Dimension.NONE),
  LINES_REMOVED("loc.removed", Dimension.NONE),
  COMMITS("commits", Dimension.NONE),
  PULL_REQUESTS("prs", Dimension.NONE),
  /** {@code claude_code.code_edit_tool.decision} accept, per tool name. */
  EDIT_ACCEPTED("edit.accepted", Dimension.TOOL),
  EDIT_REJECTED("edit.rejected", Dimension.TOOL),
  /** Tokens and cost from the {@code claude_code.token.usage} / {@code cost.usage} metrics. */
  METRIC_INPUT_TOKENS("m.tok.input", Dimension.MODEL),
  METRIC_OUTPUT_TOKENS("m.tok.output", Dimension.MODEL),
  METRIC_CACHE_READ_TOKENS("m.tok.cache_read", Dimension.MODEL),
  METRIC_CACHE_CREATION_TOKENS("m.tok.cache_creation", Dimension.MODEL),
  METRIC_COST_NANO_USD("m.cost", Dimension.MODEL),
  /**
   * Data points of the token or cost metric seen for a model, whatever their value: marks that the
   * metrics, not the {@code api_request} events, are the source for that model.
   */
  METRIC_POINTS("m.points", Dimension.MODEL),
  /** Tokens and cost from {@code api_request} events. */
  EVENT_INPUT_TOKENS("e.tok.input", Dimension.MODEL),
  EVENT_OUTPUT_TOKENS("e.tok.output", Dimension.MODEL),
  EVENT_CACHE_READ_TOKENS("e.tok.cache_read", Dimension.MODEL),
  EVENT_CACHE_CREATION_TOKENS("e.tok.cache_creation", Dimension.MODEL),
  EVENT_COST_NANO_USD("e.cost", Dimension.MODEL),
  API_REQUESTS("api.requests", Dimension.MODEL),
  API_ERRORS("api.errors", Dimension.NONE),
  PROMPTS("prompts", Dimension.NONE),
  /** {@code claude_code.active_time.total}, per {@code type} (cli, user). */
  ACTIVE_MICROS("active", Dimension.TYPE),
  TOOL_ACCEPTED("tool.accepted", Dimension.TOOL),
  TOOL_REJECTED("tool.rejected", Dimension.TOOL),
  TOOL_SUCCEEDED("tool.succeeded", Dimension.TOOL),
  TOOL_FAILED("tool.failed", Dimension.TOOL),
  /**
   * Sessions per {@code terminal.type}, of the points that carry one (those without it are the
   * user-day's other sessions: "unknown" at read time).
   */
  TERMINAL_SESSIONS("term.sessions", Dimension.TERMINAL),
  /** {@link #METRIC_COST_NANO_USD} of the points that carry a {@code terminal.type}, per it. */
  TERMINAL_METRIC_COST_NANO_USD("term.m.cost", Dimension.TERMINAL_MODEL),
  /** {@link #EVENT_COST_NANO_USD} of the records that carry a {@code terminal.type}, per it. */
  TERMINAL_EVENT_COST_NANO_USD("term.e.cost", Dimension.TERMINAL_MODEL),
  /**
   * Data points and records that carried a label resource attribute ({@code team}, {@code
   * department}, {@code cost_center}, {@code organization.id}), per {@code key=value}: at read time
   * the value seen most often is the user-day's (see {@link Labels}).
   */
  LABEL("label", Dimension.LABEL);

  /** What a family's counters are broken down by. */
  public enum Dimension {
    NONE,
    MODEL,
    TOOL,
    TYPE,
    TERMINAL,
    /** A terminal type and a model: see {@link Counter#of(CounterFamily, String, String)}. */
    TERMINAL_MODEL,
    /** {@code key=value} of a label attribute. */
    LABEL
  }

  private static final Map<String, CounterFamily> BY_CODE = new HashMap<>();

  static {
    for (CounterFamily family : values()) {
      BY_CODE.put(family.code, family);
    }
  }

  private final String code;
  private final Dimension dimension;

  CounterFamily(String code, Dimension dimension) {
    this.code = code;
    this.dimension = dimension;
  }

  public String code() {
    return code;
  }

  public Dimension dimension() {
    return dimension;
  }

  /** The unit its amounts are in, for messages. */
  public String unit() {
    return switch (this) {
      case METRIC_COST_NANO_USD,
          EVENT_COST_NANO_USD,
          TERMINAL_METRIC_COST_NANO_USD,
          TERMINAL_EVENT_COST_NANO_USD ->
          "nano-USD";
      case ACTIVE_MICROS -> "microseconds";
      case METRIC_INPUT_TOKENS,
          METRIC_OUTPUT_TOKENS,
          METRIC_CACHE_READ_TOKENS,
          METRIC_CACHE_CREATION_TOKENS,
          EVENT_INPUT_TOKENS,
          EVENT_OUTPUT_TOKENS,
          EVENT_CACHE_READ_TOKENS,
          EVENT_CACHE_CREATION_TOKENS ->
          "tokens";
      default -> "count";
    };
  }

  static Optional<CounterFamily> byCode(String code) {
    return Optional.ofNullable(BY_CODE.get(code));
  }
}
