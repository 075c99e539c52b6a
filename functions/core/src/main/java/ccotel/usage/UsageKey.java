package ccotel.usage;

import java.time.LocalDate;

/** One user on one UTC day: the grain of every usage record. */
public record UsageKey(LocalDate day, UserIdentity user) implements Comparable<UsageKey> {

  private static final long NANOS_PER_DAY = 86_400_000_000_000L;

  /** The key of something that happened at {@code epochNanos} (OTLP's {@code timeUnixNano}). */
  public static UsageKey at(long epochNanos, UserIdentity user) {
    return new UsageKey(LocalDate.ofEpochDay(Math.floorDiv(epochNanos, NANOS_PER_DAY)), user);
  }

  @Override
  public int compareTo(UsageKey other) {
    int byDay = day.compareTo(other.day);
    return byDay != 0 ? byDay : user.compareTo(other.user);
  }
}
