package ccotel.usage;

import java.util.List;
import java.util.Optional;

/**
 * One counter of a user-day: a family and, where the family has one, its dimension value (a model,
 * a tool name, an active-time type). {@link #name()} is its stable storage name.
 */
public record Counter(CounterFamily family, String dimension) implements Comparable<Counter> {

  private static final char SEPARATOR = ':';

  public Counter {
    boolean wantsDimension = family.dimension() != CounterFamily.Dimension.NONE;
    if (wantsDimension == dimension.isEmpty()) {
      throw new IllegalArgumentException(
          family
              + (wantsDimension ? " needs a " : " takes no ")
              + "dimension: '"
              + dimension
              + "'");
    }
  }

  public static Counter of(CounterFamily family) {
    return new Counter(family, "");
  }

  public static Counter of(CounterFamily family, String dimension) {
    return new Counter(family, dimension);
  }

  /**
   * A counter of a family whose dimension is two names (a terminal type and a model). Either may
   * hold any character, so the first is prefixed with its length: {@code 14/vscodeclaude-x}.
   */
  public static Counter of(CounterFamily family, String first, String second) {
    return new Counter(family, first.length() + "/" + first + second);
  }

  /**
   * The names the dimension is made of: the two of a two-name family, the dimension alone
   * otherwise; empty if a stored two-name dimension is malformed.
   */
  public List<String> dimensionParts() {
    if (family.dimension() != CounterFamily.Dimension.TERMINAL_MODEL) {
      return List.of(dimension);
    }
    int slash = dimension.indexOf('/');
    try {
      int length = Integer.parseInt(dimension.substring(0, Math.max(slash, 0)));
      int end = slash + 1 + length;
      if (length < 0 || end > dimension.length()) {
        return List.of();
      }
      return List.of(dimension.substring(slash + 1, end), dimension.substring(end));
    } catch (NumberFormatException e) {
      return List.of();
    }
  }

  /** Family codes never contain the separator, so the dimension may contain anything. */
  public String name() {
    return dimension.isEmpty() ? family.code() : family.code() + SEPARATOR + dimension;
  }

  /** The counter stored under {@code name}; empty for names this version does not know. */
  public static Optional<Counter> parse(String name) {
    int separator = name.indexOf(SEPARATOR);
    String code = separator < 0 ? name : name.substring(0, separator);
    String dimension = separator < 0 ? "" : name.substring(separator + 1);
    return CounterFamily.byCode(code)
        .filter(
            family -> (family.dimension() == CounterFamily.Dimension.NONE) == dimension.isEmpty())
        .map(family -> new Counter(family, dimension));
  }

  /**
   * Ordered as the names are stored, compared in place: maps of counters compare keys on every
   * lookup, and building both names each time made reading a summary's 90,000 user-days slow.
   */
  @Override
  public int compareTo(Counter other) {
    int length = nameLength();
    int otherLength = other.nameLength();
    for (int i = 0, n = Math.min(length, otherLength); i < n; i++) {
      char a = nameChar(i);
      char b = other.nameChar(i);
      if (a != b) {
        return a - b;
      }
    }
    return length - otherLength;
  }

  private int nameLength() {
    String code = family.code();
    return dimension.isEmpty() ? code.length() : code.length() + 1 + dimension.length();
  }

  /** The character at {@code i} of {@link #name()}. */
  private char nameChar(int i) {
    String code = family.code();
    if (i < code.length()) {
      return code.charAt(i);
    }
    return i == code.length() ? SEPARATOR : dimension.charAt(i - code.length() - 1);
  }
}
