package ccotel.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Dollar amounts as integer nano-USD, the unit usage cost is counted in, so compares are exact. */
public final class UsdAmount {

  static final long NANOS_PER_USD = 1_000_000_000L;

  /** More than any one person spends in a day: a larger budget is a typo (extra zeros). */
  public static final long MAX_DAILY_USD = 100_000;

  private UsdAmount() {}

  /**
   * A daily budget as typed, e.g. {@code 25} or {@code 12.5}: more than 0, at most {@value
   * #MAX_DAILY_USD}, at most 9 decimal places.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static long parseDailyBudget(String text) {
    BigDecimal usd;
    try {
      // BigDecimal refuses NaN, Infinity, hex and empty text.
      usd = new BigDecimal(text.trim());
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException(
          "--daily-cost-usd must be a number of dollars such as 25 or 12.50, not '" + text + "'");
    }
    if (usd.signum() <= 0) {
      throw new IllegalArgumentException("--daily-cost-usd must be more than 0, not " + text);
    }
    if (usd.compareTo(BigDecimal.valueOf(MAX_DAILY_USD)) > 0) {
      throw new IllegalArgumentException(
          "--daily-cost-usd must be at most " + MAX_DAILY_USD + " dollars a day, not " + text);
    }
    if (usd.stripTrailingZeros().scale() > 9) {
      throw new IllegalArgumentException(
          "--daily-cost-usd has more than 9 decimal places (a nano-dollar): " + text);
    }
    return usd.movePointRight(9).longValueExact();
  }

  /** Nano-USD as a dollar number, exact, without trailing zeros ({@code 12.5}, {@code 40}). */
  public static BigDecimal usd(long nanoUsd) {
    BigDecimal usd = BigDecimal.valueOf(nanoUsd).movePointLeft(9).stripTrailingZeros();
    return usd.scale() < 0 ? usd.setScale(0, RoundingMode.UNNECESSARY) : usd;
  }
}
