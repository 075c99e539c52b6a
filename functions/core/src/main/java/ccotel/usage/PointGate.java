package ccotel.usage;

import ccotel.otlp.LongValues;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

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

  /**
   * The most one request may add to one counter of one user-day, in the counter's unit: 10^15
   * tokens, nano-USD (a million dollars), microseconds (31 years) or events. A single point or
   * record over it is rejected, and so is a point that would take its counter's sum in the request
   * over it. The cumulative points of a request count with their values (an increase is never more
   * than its value), so no sum formed from one request can approach a long's 9.2 * 10^18.
   */
  static final long MAX_REQUEST_AMOUNT = 1_000_000_000_000_000L;

  /** Nothing OTLP-exported by Claude Code can be older. */
  static final Instant EARLIEST = Instant.parse("2020-01-01T00:00:00Z");

  /** Clock skew we tolerate between a client and us. */
  static final Duration MAX_AHEAD = Duration.ofDays(1);

  private final long latestNanos;
  // Per user-day, what the request adds to each counter so far.
  private final Map<UsageKey, Map<Counter, Long>> counters = new HashMap<>();

  /** {@code receivedAt}: when ingest accepted the request; the aggregator uses the same instant. */
  PointGate(Instant receivedAt) {
    Instant latest = receivedAt.plus(MAX_AHEAD);
    this.latestNanos = latest.getEpochSecond() * 1_000_000_000L + latest.getNano();
  }

  /** Whether {@code name} may be a counter's model, tool, type or terminal name. */
  static boolean fitsDimension(String name) {
    return name.length() <= MAX_DIMENSION_CHARS && !LongValues.isDigestForm(name);
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
   * Registers what a point or record adds to {@code key}'s counters; returns why it may not be
   * added (and registers nothing), or null when it may.
   */
  String admit(UsageKey key, Map<Counter, Long> added) {
    for (Map.Entry<Counter, Long> amount : added.entrySet()) {
      for (String name : amount.getKey().dimensionParts()) {
        if (!fitsDimension(name)) {
          return "model, tool, type or terminal name longer than "
              + MAX_DIMENSION_CHARS
              + " characters";
        }
      }
      if (amount.getValue() > MAX_REQUEST_AMOUNT) {
        return "value "
            + amount.getValue()
            + " ("
            + amount.getKey().family().unit()
            + ") is over the limit of "
            + MAX_REQUEST_AMOUNT;
      }
    }
    Map<Counter, Long> seen = counters.computeIfAbsent(key, k -> new HashMap<>());
    int fresh = 0;
    for (Map.Entry<Counter, Long> amount : added.entrySet()) {
      Long sum = seen.get(amount.getKey());
      if (sum == null) {
        fresh++;
      } else if (sum + amount.getValue() > MAX_REQUEST_AMOUNT) { // both at most 10^15
        return "this request adds more than "
            + MAX_REQUEST_AMOUNT
            + " ("
            + amount.getKey().family().unit()
            + ") to "
            + amount.getKey().name()
            + " for one user and day";
      }
    }
    if (seen.size() + fresh > MAX_COUNTERS_PER_USER_DAY) {
      return "more than "
          + MAX_COUNTERS_PER_USER_DAY
          + " distinct models, tools and types for one user and day in one request";
    }
    added.forEach((counter, amount) -> seen.merge(counter, amount, Long::sum));
    return null;
  }
}
