package ccotel.usage;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Labels: the {@code team}, {@code department}, {@code cost_center} and {@code organization.id}
 * attributes Claude Code sends (users set {@code OTEL_RESOURCE_ATTRIBUTES=...,team=payments}). Each
 * counted point or record that carries one adds 1 to the {@link CounterFamily#LABEL} counter named
 * {@code key=value} of its user-day. Counts, not "last value wins": a duplicate request counts once
 * like every other counter, and the order exports arrive in changes nothing. At read time the value
 * a user-day saw most often is its label ({@link #mostSeen}).
 */
public final class Labels {

  public static final String TEAM = "team";
  public static final String DEPARTMENT = "department";
  public static final String COST_CENTER = "cost_center";
  public static final String ORGANIZATION_ID = "organization.id";

  /** The label keys, in the order they are checked. */
  public static final List<String> KEYS = List.of(TEAM, DEPARTMENT, COST_CENTER, ORGANIZATION_ID);

  /** Longest label value: with its key the counter's name stays within a dimension's limit. */
  public static final int MAX_VALUE_CHARS = 100;

  private Labels() {}

  /** Why the labels of a point or record may not count (it is then rejected), or null. */
  static String problem(Attributes attributes) {
    for (String key : KEYS) {
      Optional<String> value = attributes.text(key).map(String::trim);
      if (value.isEmpty() || value.get().isEmpty()) {
        continue;
      }
      if (value.get().length() > MAX_VALUE_CHARS) {
        return key + " attribute longer than " + MAX_VALUE_CHARS + " characters";
      }
      if (!UserIdentity.isPrintable(value.get())) {
        return key + " attribute holds control characters";
      }
    }
    return null;
  }

  /**
   * Adds the label counters of a point or record to {@code counted} (call after {@link #problem}).
   */
  static void count(Attributes attributes, Map<Counter, Long> counted) {
    for (String key : KEYS) {
      attributes
          .text(key)
          .map(String::trim)
          .filter(v -> !v.isEmpty())
          .ifPresent(value -> counted.merge(counter(key, value), 1L, Long::sum));
    }
  }

  /** The counter of label {@code key} with {@code value}. */
  public static Counter counter(String key, String value) {
    return Counter.of(CounterFamily.LABEL, key + "=" + value);
  }

  /**
   * The value of {@code key} counted most often among {@code labels} (LABEL dimensions to their
   * counts), ties to the lexicographically smallest; empty when none was counted.
   */
  public static Optional<String> mostSeen(Map<String, Long> labels, String key) {
    String prefix = key + "=";
    String best = null;
    long bestCount = 0;
    for (Map.Entry<String, Long> label : labels.entrySet()) {
      if (!label.getKey().startsWith(prefix) || label.getValue() <= 0) {
        continue;
      }
      String value = label.getKey().substring(prefix.length());
      if (label.getValue() > bestCount
          || (label.getValue() == bestCount && value.compareTo(best) < 0)) {
        best = value;
        bestCount = label.getValue();
      }
    }
    return Optional.ofNullable(best);
  }
}
