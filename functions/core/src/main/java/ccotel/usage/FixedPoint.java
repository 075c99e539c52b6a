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

  /**
   * @param scale decimal digits kept: 0 for counts, 6 for microseconds, 9 for nano-USD
   * @throws InvalidValueException for NaN, infinities, negatives and values beyond a long
   */
  static long of(double value, int scale) throws InvalidValueException {
    if (!Double.isFinite(value)) {
      throw new InvalidValueException("value must be a finite number, got " + value);
    }
    // A whole double below 2^53 (token counts) is its own shortest decimal form; printing it and
    // reading it back would be most of a metrics request's mapping.
    if (value >= 0 && value < 0x1p53 && value == Math.rint(value)) {
      return of((long) value, scale);
    }
    return of(BigDecimal.valueOf(value), scale); // valueOf: the shortest decimal form
  }

  static long of(long value, int scale) throws InvalidValueException {
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
