package ccotel.aggregate;

import ccotel.query.UsageReader;

class InMemoryUsageStoreTest extends UsageStoreContract {

  private final InMemoryUsageStore store = new InMemoryUsageStore();

  @Override
  protected UsageStore store() {
    return store;
  }

  @Override
  protected UsageReader reader() {
    return store;
  }
}
