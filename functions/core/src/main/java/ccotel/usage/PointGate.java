package ccotel.usage;

import ccotel.otlp.LongValues;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The limits a data point or log record must meet before it counts, so that one client can neither
 * grow a user-day item towards DynamoDB's 400 KB nor put usage on absurd days. What fails is
 * rejected with a reason, which reaches the client in {@code partial_success}.
 */
final class PointGate {

  /** Claude Code sends about fifteen. */
  static final int MAX_ATTRIBUTES = 128;

  /** E-mail addresses are at most 254 characters. */
  static final int MAX_IDENTITY_CHARS = 256;

  /** Model, tool and type names. */
  static final int MAX_DIMENSION_CHARS = 128;

  /** Distinct counters one request may add to one user-day (Claude Code uses a few dozen). */
  static final int MAX_COUNTERS_PER_USER_DAY = 256;

  /** Nothing OTLP-exported by Claude Code can be older. */
  static final Instant EARLIEST = Instant.parse("2020-01-01T00:00:00Z");

  /** Clock skew we tolerate between a client and us. */
  static final Duration MAX_AHEAD = Duration.ofDays(1);

  private final long latestNanos;
  private final Map<UsageKey, Set<Counter>> counters = new HashMap<>();
  // The previous point's user-day: consecutive points mostly share it (the mappers reuse the key).
  private UsageKey lastKey;
  private Set<Counter> lastSeen;

  /** {@code receivedAt}: when ingest accepted the request; the aggregator uses the same instant. */
  PointGate(Instant receivedAt) {
    Instant latest = receivedAt.plus(MAX_AHEAD);
    this.latestNanos = latest.getEpochSecond() * 1_000_000_000L + latest.getNano();
  }

  /** Why a point or record may not count, or null when it may. */
  String problem(int attributes, UserIdentity user, long timeUnixNano) {
    if (attributes > MAX_ATTRIBUTES) {
      return "more than " + MAX_ATTRIBUTES + " attributes";
    }
    if (user.value().length() > MAX_IDENTITY_CHARS || LongValues.isDigestForm(user.value())) {
      return "user identity longer than " + MAX_IDENTITY_CHARS + " characters";
    }
    if (!UserIdentity.isPrintable(user.value())) {
      return "user identity holds control characters";
    }
    if (Long.compareUnsigned(timeUnixNano, EARLIEST.getEpochSecond() * 1_000_000_000L) < 0) {
      return "timeUnixNano " + Long.toUnsignedString(timeUnixNano) + " is before " + EARLIEST;
    }
    if (Long.compareUnsigned(timeUnixNano, latestNanos) > 0) {
      return "timeUnixNano "
          + Long.toUnsignedString(timeUnixNano)
          + " is more than "
          + MAX_AHEAD.toHours()
          + " h in the future";
    }
    return null;
  }

  /**
   * Registers the counters a point adds to {@code key}; returns why they may not be added, or null
   * when they may.
   */
  String admit(UsageKey key, Collection<Counter> added) {
    for (Counter counter : added) {
      if (counter.dimension().length() > MAX_DIMENSION_CHARS
          || LongValues.isDigestForm(counter.dimension())) {
        return "model, tool or type name longer than " + MAX_DIMENSION_CHARS + " characters";
      }
    }
    Set<Counter> seen =
        key == lastKey ? lastSeen : counters.computeIfAbsent(key, k -> new HashSet<>());
    lastKey = key;
    lastSeen = seen;
    int fresh = 0;
    for (Counter counter : added) {
      if (!seen.contains(counter)) {
        fresh++;
      }
    }
    if (seen.size() + fresh > MAX_COUNTERS_PER_USER_DAY) {
      return "more than "
          + MAX_COUNTERS_PER_USER_DAY
          + " distinct models, tools and types for one user and day in one request";
    }
    if (fresh > 0) { // usually every counter is already there
      seen.addAll(added);
    }
    return null;
  }
}
