package ccotel.aggregate;

import ccotel.usage.Counter;
import ccotel.usage.UsageKey;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * What one stored user-day may hold, checked against the item as read before each write that adds
 * to it. The limits keep every counter far below a long's 9.2 * 10^18 (so no sum of ours wraps and
 * every stored value reads back) and every item far below DynamoDB's 400 KB.
 */
public final class DayLimits {

  /**
   * The most a stored counter may reach: 10^18 tokens, nano-USD (a billion dollars) or microseconds
   * (31,700 years) for one user and day. A request adds at most 10^15 to a counter (ingest rejects
   * more), so a user-day reaches it only after a thousand absurd exports; the write that would pass
   * it is refused whole.
   */
  public static final long MAX_COUNTER_VALUE = 1_000_000_000_000_000_000L;

  /**
   * The most distinct counters one user-day may hold. A counter takes at most about 420 bytes (a
   * 128-character model, tool or type name in UTF-8, and its number), so 512 of them stay under 220
   * KB, leaving room for the item's key, user and delivery ids. Claude Code fills a few dozen.
   */
  public static final int MAX_COUNTERS = 512;

  private static final BigInteger MAX = BigInteger.valueOf(MAX_COUNTER_VALUE);

  private DayLimits() {}

  /**
   * Refuses {@code increments} that would take the user-day {@code key}, which holds {@code
   * stored}, past a limit.
   *
   * @param stored every counter the item holds, by storage name, with its stored number as text
   *     (names this version does not know count towards the limit too)
   * @throws UsageRefusedException if they would
   */
  public static void check(
      UsageKey key, Map<String, String> stored, Map<Counter, Long> increments) {
    String refused = "a user-day of " + key.day() + " refused: ";
    int fresh = 0;
    for (Map.Entry<Counter, Long> increment : increments.entrySet()) {
      String name = increment.getKey().name();
      String text = stored.get(name);
      if (text == null) {
        fresh++;
        if (increment.getValue() > MAX_COUNTER_VALUE) {
          throw new UsageRefusedException(
              refused + name + " would exceed " + MAX_COUNTER_VALUE + " for one user and day");
        }
        continue;
      }
      BigInteger value = count(text);
      if (value == null) {
        throw new UsageRefusedException(
            refused + name + " holds " + text + ", not a count this store can add to");
      }
      if (value.add(BigInteger.valueOf(increment.getValue())).compareTo(MAX) > 0) {
        throw new UsageRefusedException(
            String.format(
                "%s%s would exceed %d for one user and day (it holds %s, the export adds %d)",
                refused, name, MAX_COUNTER_VALUE, text, increment.getValue()));
      }
    }
    if (fresh > 0 && stored.size() + fresh > MAX_COUNTERS) {
      throw new UsageRefusedException(
          String.format(
              "%sthe user-day would hold more than %d distinct counters (it holds %d, the export"
                  + " adds %d more models, tools or types)",
              refused, MAX_COUNTERS, stored.size(), fresh));
    }
  }

  /** A stored number as a count: a whole number from 0 to the ceiling, else null. */
  private static BigInteger count(String text) {
    try {
      BigInteger value = new BigDecimal(text).toBigIntegerExact();
      return value.signum() < 0 || value.compareTo(MAX) > 0 ? null : value;
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }
}
