package ccotel.usage;

import ccotel.otlp.WrongWireTypes;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps Claude Code's log events onto counters. Every record counts once (log records have no
 * temporality; duplicate requests are removed before this). Prompt text and tool inputs are never
 * read, so they cannot be stored.
 */
final class EventsUsageMapper {

  private static final String EVENT_PREFIX = "claude_code.";
  private static final int COST_SCALE = 9;
  private static final String UNKNOWN = "unknown";

  private final UsageTally deltas = new UsageTally();
  private final Rejections rejections = new Rejections();
  private final Set<LogRecord> rejected = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<UserIdentity, UserIdentity> links = new HashMap<>();
  private final PointGate gate;
  private Attributes.LinkedIds lastLinked;

  EventsUsageMapper(Instant receivedAt) {
    this.gate = new PointGate(receivedAt);
  }

  UsageObservations map(ExportLogsServiceRequest request) {
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      List<KeyValue> resource = resourceLogs.getResource().getAttributesList();
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        for (LogRecord record : scopeLogs.getLogRecordsList()) {
          long before = rejections.count();
          map(record, resource);
          if (rejections.count() != before) {
            rejected.add(record);
          }
        }
      }
    }
    return new UsageObservations(
        deltas, List.of(), rejections.count(), rejections.firstReason(), links);
  }

  /** The records {@link #map} rejected, by identity. */
  Set<LogRecord> rejectedRecords() {
    return rejected;
  }

  private void map(LogRecord record, List<KeyValue> resource) {
    // Most records are events we do not count: their name is found first.
    String event = eventName(record);
    if (!isCounted(event)) {
      return;
    }
    Attributes attributes = new Attributes(record.getAttributesList(), resource);
    Optional<UserIdentity> user = attributes.user();
    if (user.isEmpty()) {
      rejections.reject(
          EVENT_PREFIX, event, "no user.email, user.account_uuid or user.id attribute");
      return;
    }
    // OTLP: timeUnixNano may be unset when only the collector's observation time is known.
    long time =
        record.getTimeUnixNano() != 0 ? record.getTimeUnixNano() : record.getObservedTimeUnixNano();
    if (time == 0) {
      rejections.reject(EVENT_PREFIX, event, "timeUnixNano and observedTimeUnixNano are missing");
      return;
    }
    String problem = gate.problem(record.getAttributesCount(), user.get(), time);
    if (problem != null) {
      rejections.reject(EVENT_PREFIX, event, problem);
      return;
    }
    problem = Labels.problem(attributes);
    if (problem != null) {
      rejections.reject(EVENT_PREFIX, event, problem);
      return;
    }
    if (WrongWireTypes.inAttributes(record.getAttributesList())) {
      rejections.reject(EVENT_PREFIX, event, "attribute fields have the wrong wire types");
      return;
    }
    UsageKey key = UsageKey.at(time, user.get());
    Map<Counter, Long> counted = new LinkedHashMap<>();
    try {
      count(event, attributes, counted);
    } catch (FixedPoint.InvalidValueException e) {
      rejections.reject(EVENT_PREFIX, event, e.getMessage());
      return;
    }
    if (counted.values().stream().anyMatch(amount -> amount != 0)) {
      Labels.count(attributes, counted); // not on a record that adds nothing (no day of its own)
    }
    // A record counts whole or not at all.
    problem = gate.admit(key, counted);
    if (problem != null) {
      rejections.reject(EVENT_PREFIX, event, problem);
      return;
    }
    deltas.addAll(key, counted);
    if (user.get().kind() == UserIdentity.Kind.EMAIL) {
      lastLinked = attributes.linkTo(user.get(), links, lastLinked);
    }
  }

  static boolean isCounted(String event) {
    return switch (event) {
      case "user_prompt", "api_request", "api_error", "tool_decision", "tool_result" -> true;
      default -> false;
    };
  }

  private static void count(String event, Attributes attributes, Map<Counter, Long> counted)
      throws FixedPoint.InvalidValueException {
    switch (event) {
      case "user_prompt" -> counted.put(Counter.of(CounterFamily.PROMPTS), 1L);
      case "api_error" -> counted.put(Counter.of(CounterFamily.API_ERRORS), 1L);
      case "api_request" -> countApiRequest(attributes, counted);
      case "tool_decision" -> countToolDecision(attributes, counted);
      case "tool_result" -> countToolResult(attributes, counted);
      default -> throw new IllegalStateException("not a counted event: " + event);
    }
  }

  private static void countApiRequest(Attributes attributes, Map<Counter, Long> counted)
      throws FixedPoint.InvalidValueException {
    String model = attributes.ownText("model").orElse(UNKNOWN);
    long input = amount(attributes, "input_tokens", 0);
    long output = amount(attributes, "output_tokens", 0);
    long cacheRead = amount(attributes, "cache_read_tokens", 0);
    long cacheCreation = amount(attributes, "cache_creation_tokens", 0);
    long costNanoUsd = amount(attributes, "cost_usd", COST_SCALE);
    counted.put(Counter.of(CounterFamily.API_REQUESTS, model), 1L);
    counted.put(Counter.of(CounterFamily.EVENT_INPUT_TOKENS, model), input);
    counted.put(Counter.of(CounterFamily.EVENT_OUTPUT_TOKENS, model), output);
    counted.put(Counter.of(CounterFamily.EVENT_CACHE_READ_TOKENS, model), cacheRead);
    counted.put(Counter.of(CounterFamily.EVENT_CACHE_CREATION_TOKENS, model), cacheCreation);
    counted.put(Counter.of(CounterFamily.EVENT_COST_NANO_USD, model), costNanoUsd);
    Optional<String> terminal = attributes.terminalType();
    if (terminal.isPresent() && costNanoUsd > 0) {
      counted.put(
          Counter.of(CounterFamily.TERMINAL_EVENT_COST_NANO_USD, terminal.get(), model),
          costNanoUsd);
    }
  }

  private static void countToolDecision(Attributes attributes, Map<Counter, Long> counted) {
    String tool = attributes.ownText("tool_name").orElse(UNKNOWN);
    Optional<String> decision = attributes.ownText("decision");
    if (decision.isEmpty()) {
      return;
    }
    switch (decision.get()) {
      case "accept" -> counted.put(Counter.of(CounterFamily.TOOL_ACCEPTED, tool), 1L);
      case "reject" -> counted.put(Counter.of(CounterFamily.TOOL_REJECTED, tool), 1L);
      default -> {
        // Other decisions are not part of the accepted/rejected tally.
      }
    }
  }

  private static void countToolResult(Attributes attributes, Map<Counter, Long> counted) {
    String tool = attributes.ownText("tool_name").orElse(UNKNOWN);
    boolean succeeded = attributes.ownText("success").map("true"::equalsIgnoreCase).orElse(false);
    counted.put(
        Counter.of(succeeded ? CounterFamily.TOOL_SUCCEEDED : CounterFamily.TOOL_FAILED, tool), 1L);
  }

  private static long amount(Attributes attributes, String key, int scale)
      throws FixedPoint.InvalidValueException {
    Optional<String> text = attributes.numberText(key);
    if (text.isEmpty()) {
      if (attributes.ownText(key).isPresent()) {
        throw new FixedPoint.InvalidValueException(key + " is not a number");
      }
      return 0;
    }
    return FixedPoint.of(text.get(), scale);
  }

  /**
   * Claude Code names the event in the {@code event.name} attribute and in the body ({@code
   * claude_code.<name>}); newer OTLP senders may use {@code LogRecord.event_name}.
   */
  static String eventName(LogRecord record) {
    Optional<String> attribute = Attributes.firstText(record.getAttributesList(), "event.name");
    if (attribute.isPresent()) {
      return stripPrefix(attribute.get());
    }
    if (!record.getEventName().isEmpty()) {
      return stripPrefix(record.getEventName());
    }
    AnyValue body = record.getBody();
    return body.hasStringValue() ? stripPrefix(body.getStringValue()) : "";
  }

  private static String stripPrefix(String name) {
    return name.startsWith(EVENT_PREFIX) ? name.substring(EVENT_PREFIX.length()) : name;
  }
}
