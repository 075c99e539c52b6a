package ccotel.aggregate;

import ccotel.usage.Counter;
import ccotel.usage.UsageKey;
import java.util.SortedMap;
import java.util.TreeMap;

/** What one delivery adds to its only user-day: the unit of {@link UsageStore#countOnce}. */
public record DayDelivery(String deliveryId, UsageKey key, SortedMap<Counter, Long> counters) {

  public DayDelivery {
    if (counters.isEmpty()) {
      throw new IllegalArgumentException("a delivery with nothing to add needs no write");
    }
    counters = new TreeMap<>(counters);
  }
}
