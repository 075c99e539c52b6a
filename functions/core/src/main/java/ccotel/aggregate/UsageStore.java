package ccotel.aggregate;

import ccotel.usage.SeriesId;
import ccotel.usage.UserIdentity;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Port: where usage counters, what makes them exactly-once, series state and identity links live.
 *
 * <p>Each delivery id is counted once in one of two ways, chosen from what it counts as sent: what
 * adds to one user-day and no cumulative series (nearly every Claude Code export) with {@linkplain
 * #countOnce plain writes}; the rest with one {@linkplain #commit transaction} each, which writes
 * the id's marker with the counters and the series' new states. See docs/decisions.md.
 */
public interface UsageStore {

  /** Distinct counters one write may add to one user-day: an update expression takes 4 KB. */
  int MAX_COUNTERS_PER_UPDATE = 256;

  /** The most items one {@link #commit} may write (DynamoDB transactions take 100). */
  int maxWritesPerDelivery();

  /** What {@link #countOnce} did with one delivery. */
  enum Counted {
    /** Its increments were added now. */
    NOW,
    /** Counted before: nothing added. */
    BEFORE,
    /** Other writers kept changing its user-day: nothing added, retry later. */
    CONTENDED
  }

  /**
   * Adds each delivery's increments to its one user-day, each delivery exactly once, with plain
   * writes; deliveries of one user-day may share one write. Safe to call again with the same
   * deliveries and concurrently with other aggregators.
   *
   * @throws UsageRefusedException if a write is refused for good (earlier user-days stay counted)
   */
  Map<String, Counted> countOnce(String connectionId, List<DayDelivery> deliveries)
      throws UsageStoreUnavailableException;

  /** The stored state of these series; absent ids were never counted. Reads are consistent. */
  Map<SeriesId, SeriesState> loadSeries(String connectionId, Collection<SeriesId> series)
      throws UsageStoreUnavailableException;

  /**
   * Writes the commit atomically: its delivery id's marker (only if absent), every increment and
   * every series change.
   *
   * @return false, writing nothing, if the delivery id was counted before
   * @throws WriteConflictException if a series no longer has its expected state; nothing is written
   */
  boolean commit(UsageCommit commit) throws WriteConflictException, UsageStoreUnavailableException;

  /** The e-mail each of these account ids or user ids was last seen with; absent if never. */
  Map<UserIdentity, UserIdentity> loadLinks(String connectionId, Collection<UserIdentity> users)
      throws UsageStoreUnavailableException;

  /** Remembers that these account ids or user ids belong to these e-mails (idempotent). */
  void saveLinks(String connectionId, Map<UserIdentity, UserIdentity> links)
      throws UsageStoreUnavailableException;
}
