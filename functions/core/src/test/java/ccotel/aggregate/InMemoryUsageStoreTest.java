package ccotel.aggregate;

import ccotel.query.UsageReader;
import ccotel.testing.MutableClock;
import java.time.Instant;

class InMemoryUsageStoreTest extends UsageStoreContract {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
  private final InMemoryUsageStore store = new InMemoryUsageStore(100, clock);

  @Override
  protected UsageStore store() {
    return store;
  }

  @Override
  protected UsageReader reader() {
    return store;
  }

  @Override
  protected MutableClock clock() {
    return clock;
  }
}
