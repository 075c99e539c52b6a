package ccotel.aggregate;

import ccotel.usage.SeriesId;
import ccotel.usage.UserIdentity;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Port: where usage counters and aggregation state live.
 *
 * <p>Exactly-once rests on one record per delivery id, written at most once: a marker (counted) or
 * a claim naming a commit. A claimed id counts if and only if its commit record says committed; a
 * claim moves to another commit only after its commit was abandoned, and an abandoned commit can
 * never be written, so at most one commit ever counts an id. No clock is involved in that; the
 * {@link #CLAIM_LEASE} only decides when an unfinished commit may be abandoned by someone else.
 *
 * <p>What touches a single user-day and no series (nearly every Claude Code export) is instead
 * {@linkplain #countOnce counted once with plain writes}, which cost half a transaction's. A
 * delivery id always takes the same one of the two ways, since the way depends only on what the
 * delivery counts as sent (before identity linking renames its users).
 */
public interface UsageStore {

  /**
   * How long a claim keeps other aggregators waiting before they abandon its commit: longer than an
   * aggregator holds claims (a Lambda run ends within 30 s), shorter than the retries SQS gives a
   * message (four more receives, 30 s apart locally, 180 s apart on AWS).
   */
  Duration CLAIM_LEASE = Duration.ofSeconds(60);

  /**
   * The most distinct counters one write may add to one user-day. DynamoDB refuses an update
   * expression over 4 KB, which about 320 counters reach; a request adds at most 256 to one
   * user-day (ingest rejects more), so one request's share always fits, and merged writes are cut
   * to fit.
   */
  int MAX_COUNTERS_PER_UPDATE = 256;

  /** The most items one {@link #commit} may write (DynamoDB transactions take 100). */
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

  /** What claiming a delivery id found. */
  enum Claim {
    /** Now claimed for the given commit: count it there. */
    CLAIMED,
    /** Counted before: count nothing. */
    COUNTED,
    /** Claimed for a commit still within its lease: retry later. */
    CLAIMED_ELSEWHERE
  }

  /**
   * Claims each delivery id for {@code commitId}, which is about to be written: taking free ids,
   * ids of abandoned commits, and ids whose unwritten commit's lease ran out (abandoning it).
   */
  Map<String, Claim> claim(String connectionId, String commitId, Collection<String> deliveryIds)
      throws UsageStoreUnavailableException;

  /**
   * Writes the whole commit atomically: every counter increment, every series change, and its
   * commit record or markers.
   *
   * @return false, writing nothing, if the commit was abandoned or a marker's id was claimed or
   *     counted before
   * @throws WriteConflictException if a series no longer has its expected state; nothing is written
   */
  boolean commit(UsageCommit commit) throws WriteConflictException, UsageStoreUnavailableException;

  /** Makes sure {@code commitId} is never written, so its claims are free at once (idempotent). */
  void abandon(String connectionId, String commitId) throws UsageStoreUnavailableException;

  /** What {@link #countOnce} found for one delivery. */
  enum Counted {
    /** Its increments were added now. */
    NOW,
    /** Counted before: nothing added. */
    BEFORE,
    /** A claim holds its id: count it with {@link #claim} and {@link #commit} instead. */
    CLAIMED,
    /** Other writers kept changing its user-day: nothing added, retry later. */
    CONTENDED
  }

  /**
   * Adds each delivery's increments to its one user-day, each delivery exactly once, with plain
   * writes; deliveries of one user-day may share one write. Safe to call again with the same
   * deliveries and concurrently with other aggregators.
   *
   * @return what became of each delivery id
   */
  Map<String, Counted> countOnce(String connectionId, List<DayDelivery> deliveries)
      throws UsageStoreUnavailableException;
}
