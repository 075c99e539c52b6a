package ccotel.aggregate;

import ccotel.usage.SeriesId;
import ccotel.usage.UserIdentity;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** A store that passes every call on; tests override the calls they inject faults into. */
public class ForwardingUsageStore implements UsageStore {

  private final UsageStore delegate;

  public ForwardingUsageStore(UsageStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public int maxWritesPerDelivery() {
    return delegate.maxWritesPerDelivery();
  }

  @Override
  public Map<SeriesId, SeriesState> loadSeries(String connectionId, Collection<SeriesId> series)
      throws UsageStoreUnavailableException {
    return delegate.loadSeries(connectionId, series);
  }

  @Override
  public Map<UserIdentity, UserIdentity> loadLinks(
      String connectionId, Collection<UserIdentity> users) throws UsageStoreUnavailableException {
    return delegate.loadLinks(connectionId, users);
  }

  @Override
  public void saveLinks(String connectionId, Map<UserIdentity, UserIdentity> links)
      throws UsageStoreUnavailableException {
    delegate.saveLinks(connectionId, links);
  }

  @Override
  public boolean commit(UsageCommit commit)
      throws WriteConflictException, UsageStoreUnavailableException {
    return delegate.commit(commit);
  }

  @Override
  public Map<String, Counted> countOnce(String connectionId, List<DayDelivery> deliveries)
      throws UsageStoreUnavailableException {
    return delegate.countOnce(connectionId, deliveries);
  }
}
