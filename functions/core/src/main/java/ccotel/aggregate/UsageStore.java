package ccotel.aggregate;

import ccotel.usage.SeriesId;
import ccotel.usage.UserIdentity;
import java.util.Collection;
import java.util.Map;

/** Port: where usage counters and cumulative series state live. */
public interface UsageStore {

  /** The most items one {@link #apply} may write (DynamoDB transactions take 100). */
  int maxWritesPerDelivery();

  /** The stored state of these series; absent ids were never counted. Reads are consistent. */
  Map<SeriesId, SeriesState> loadSeries(String connectionId, Collection<SeriesId> series)
      throws UsageStoreUnavailableException;

  /** The e-mail each of these account ids or user ids was last seen with; absent if never. */
  Map<UserIdentity, UserIdentity> loadLinks(String connectionId, Collection<UserIdentity> users)
      throws UsageStoreUnavailableException;

  /** Remembers that these account ids or user ids belong to these e-mails (idempotent). */
  void saveLinks(String connectionId, Map<UserIdentity, UserIdentity> links)
      throws UsageStoreUnavailableException;

  /**
   * Writes the whole delivery atomically: every counter increment, every series change and a marker
   * for its id.
   *
   * @return false, writing nothing, if a delivery with this id was applied before
   * @throws WriteConflictException if a series no longer has its expected state; nothing is written
   */
  boolean apply(UsageDelivery delivery)
      throws WriteConflictException, UsageStoreUnavailableException;
}
