package ccotel.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Converts reported numbers to the integer units we count in (tokens, nano-USD, microseconds).
 * Doubles go through their shortest decimal form, so 0.06159075000000001 USD is 61,590,750
 * nano-USD, not a binary approximation of it: sums of integers then stay exact.
 */
final class FixedPoint {

  private FixedPoint() {}

  private static final long[] POWERS_OF_TEN = {
    1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L
  };

  /** Below 2^53 every integer is a double, and its shortest decimal form is itself. */
  private static final double EXACT_INTEGERS = 0x1p53;

  /**
   * @param scale decimal digits kept: 0 for counts, 6 for microseconds, 9 for nano-USD
   * @throws InvalidValueException for NaN, infinities, negatives and values beyond a long
   */
  static long of(double value, int scale) throws InvalidValueException {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new InvalidValueException("value must be a finite number, got " + value);
    }
    // Token counts arrive as whole doubles: skip the decimal detour for them (same result).
    if (value >= 0 && value < EXACT_INTEGERS / POWERS_OF_TEN[scale] && value == Math.rint(value)) {
      return (long) value * POWERS_OF_TEN[scale];
    }
    long rounded = roundedFarFromHalf(value, POWERS_OF_TEN[scale]);
    return rounded >= 0 ? rounded : of(BigDecimal.valueOf(value), scale);
  }

  /**
   * The exact result for a value whose scaled double is clearly away from a half: the shortest
   * decimal form differs from {@code value} by at most half an ulp and the product from the exact
   * one by half an ulp of itself, so when no half-integer lies within (twice) that distance both
   * round to the same integer. -1 when it cannot tell (the decimal detour decides).
   */
  private static long roundedFarFromHalf(double value, long power) {
    double scaled = value * power;
    if (!(value >= 0 && scaled < 0x1p52)) {
      return -1;
    }
    double slack = power * Math.ulp(value) + Math.ulp(scaled);
    double floor = Math.floor(scaled);
    double fraction = scaled - floor; // exact below 2^52
    if (slack >= 0.25 || Math.abs(fraction - 0.5) <= slack) {
      return -1;
    }
    return (long) floor + (fraction > 0.5 ? 1 : 0);
  }

  static long of(long value, int scale) throws InvalidValueException {
    if (value >= 0 && value <= Long.MAX_VALUE / POWERS_OF_TEN[scale]) {
      return value * POWERS_OF_TEN[scale];
    }
    return of(BigDecimal.valueOf(value), scale);
  }

  static long of(String decimal, int scale) throws InvalidValueException {
    try {
      return of(new BigDecimal(decimal), scale);
    } catch (NumberFormatException e) {
      throw new InvalidValueException("value must be a decimal number, got '" + decimal + "'");
    }
  }

  private static long of(BigDecimal value, int scale) throws InvalidValueException {
    if (value.signum() < 0) {
      throw new InvalidValueException("value must not be negative, got " + value);
    }
    try {
      return value.movePointRight(scale).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    } catch (ArithmeticException e) {
      throw new InvalidValueException("value too large: " + value);
    }
  }

  /** A reported number we cannot count. */
  static final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidValueException(String message) {
      super(message);
    }
  }
}
