package ccotel.budget;

import ccotel.query.StoredUsage;
import ccotel.usage.UsageKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: budgets, alert records and the user-days they are computed from. Its failures are runtime
 * exceptions: no caller may let them fail counting.
 */
public interface BudgetStore {

  Optional<Budget> budget(String connectionId);

  void putBudget(Budget budget);

  /** Returns whether there was one. Alerts raised stay. */
  boolean deleteBudget(String connectionId);

  /** The user-day as stored now (a strongly consistent read), if any. */
  Optional<StoredUsage> userDay(String connectionId, UsageKey key);

  /**
   * Creates the alert unless its user-day has one: true only for the one caller that created it,
   * which then alone may queue it until {@code raisedAt + queueLease}.
   */
  boolean createAlert(Alert alert, Duration queueLease);

  /**
   * Takes over queuing an alert its creator did not mark queued within its lease (it crashed, or
   * the queue failed): true for one caller per lease.
   */
  boolean claimQueuing(AlertKey key, Instant now, Duration queueLease);

  Optional<Alert> alert(AlertKey key);

  void markQueued(AlertKey key);

  void markPublished(AlertKey key);

  void markDelivered(AlertKey key);

  /** A webhook attempt failed; {@code givenUp} after the last one. */
  void recordFailure(AlertKey key, int attempts, String error, boolean givenUp);

  /** The connection's alerts, by day then user. */
  List<Alert> alerts(String connectionId);
}
