package ccotel.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;

/** One user on one UTC day: the grain of every usage record. */
public record UsageKey(LocalDate day, UserIdentity user) implements Comparable<UsageKey> {

  private static final Comparator<UsageKey> ORDER =
      Comparator.comparing(UsageKey::day).thenComparing(UsageKey::user);

  /** The key of something that happened at {@code epochNanos} (OTLP's {@code timeUnixNano}). */
  public static UsageKey at(long epochNanos, UserIdentity user) {
    Instant instant =
        Instant.ofEpochSecond(
            Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    return new UsageKey(LocalDate.ofInstant(instant, ZoneOffset.UTC), user);
  }

  @Override
  public int compareTo(UsageKey other) {
    return ORDER.compare(this, other);
  }
}
