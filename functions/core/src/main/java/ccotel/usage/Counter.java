package ccotel.usage;

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

  // Written out (the same values a record derives) because tallies and the gate hash counters
  // for every point, and the derived methods go through method handles.
  @Override
  public boolean equals(Object other) {
    return other instanceof Counter counter
        && family == counter.family
        && dimension.equals(counter.dimension);
  }

  @Override
  public int hashCode() {
    return 31 * family.hashCode() + dimension.hashCode();
  }

  /** Orders as {@link #name()} does, without building the names (tallies compare a lot). */
  @Override
  public int compareTo(Counter other) {
    String code = family.code();
    String otherCode = other.family.code();
    int length = nameLength(code, dimension);
    int otherLength = nameLength(otherCode, other.dimension);
    for (int i = 0, n = Math.min(length, otherLength); i < n; i++) {
      char mine = nameChar(code, dimension, i);
      char theirs = nameChar(otherCode, other.dimension, i);
      if (mine != theirs) {
        return mine - theirs;
      }
    }
    return length - otherLength;
  }

  private static int nameLength(String code, String dimension) {
    return dimension.isEmpty() ? code.length() : code.length() + 1 + dimension.length();
  }

  private static char nameChar(String code, String dimension, int i) {
    if (i < code.length()) {
      return code.charAt(i);
    }
    return i == code.length() ? SEPARATOR : dimension.charAt(i - code.length() - 1);
  }
}
