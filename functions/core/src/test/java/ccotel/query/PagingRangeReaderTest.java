package ccotel.query;

import ccotel.aggregate.InMemoryUsageStore;
import ccotel.aggregate.UsageStore;

/** The range reader over §4 pages, on the in-memory store, with pages of two user-days. */
class PagingRangeReaderTest extends UsageRangeReaderContract {

  private final InMemoryUsageStore store = new InMemoryUsageStore();

  @Override
  protected UsageStore store() {
    return store;
  }

  @Override
  protected UsageRangeReader rangeReader() {
    return UsageRangeReader.paging(store, 2);
  }
}
