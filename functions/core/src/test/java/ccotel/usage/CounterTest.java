package ccotel.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CounterTest {

  @Test
  void ordersExactlyAsItsStoredNames() {
    List<Counter> counters = new ArrayList<>();
    for (CounterFamily family : CounterFamily.values()) {
      if (family.dimension() == CounterFamily.Dimension.NONE) {
        counters.add(Counter.of(family));
      } else {
        for (String dimension :
            List.of("a", "claude-sonnet-4-5", "Edit", "", "zz:z", "é", "0", "-x", ".", "~")) {
          if (!dimension.isEmpty()) {
            counters.add(Counter.of(family, dimension));
          }
        }
      }
    }
    for (Counter a : counters) {
      for (Counter b : counters) {
        assertEquals(
            Integer.signum(a.name().compareTo(b.name())),
            Integer.signum(a.compareTo(b)),
            a.name() + " vs " + b.name());
      }
    }
  }
}
