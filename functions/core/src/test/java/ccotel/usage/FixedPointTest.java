package ccotel.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FixedPointTest {

  /** The definition: the shortest decimal form of the double, scaled, rounded half-even. */
  private static long reference(double value, int scale) {
    return BigDecimal.valueOf(value)
        .movePointRight(scale)
        .setScale(0, RoundingMode.HALF_EVEN)
        .longValueExact();
  }

  @Test
  void doubles_convertAsTheirShortestDecimalForm() throws Exception {
    SplittableRandom random = new SplittableRandom(20261125);
    for (int scale : new int[] {0, 6, 9}) {
      for (int i = 0; i < 200_000; i++) {
        double value =
            switch (i % 4) {
              case 0 -> random.nextDouble() * 10; // USD amounts
              case 1 -> random.nextLong(1_000_000_000L) / 1e9; // exact nano-USD decimals
              case 2 -> random.nextLong(1_000_000L) / 1e6 + 0.5e-9; // half a unit beyond
              default -> Math.scalb(random.nextDouble(), random.nextInt(-40, 20));
            };
        assertEquals(reference(value, scale), FixedPoint.of(value, scale), value + " at " + scale);
      }
    }
  }

  @Test
  void knownValues() throws Exception {
    assertEquals(61_590_750, FixedPoint.of(0.06159075000000001, 9));
    assertEquals(1_242_000, FixedPoint.of(0.0012419999999999998, 9));
    assertEquals(2, FixedPoint.of(2.5, 0)); // half-even
    assertEquals(4, FixedPoint.of(3.5, 0));
    assertEquals(500_000, FixedPoint.of(0.5, 6));
    assertEquals(0, FixedPoint.of(0.5e-9, 9));
    assertEquals(2, FixedPoint.of(1.5e-9, 9));
  }
}
