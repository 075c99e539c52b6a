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

  /** Ordered as the names are stored. */
  @Override
  public int compareTo(Counter other) {
    return name().compareTo(other.name());
  }
}
