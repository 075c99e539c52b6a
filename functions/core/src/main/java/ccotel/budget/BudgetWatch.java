package ccotel.budget;

import ccotel.query.DailyUsage;
import ccotel.query.StoredUsage;
import ccotel.usage.UsageKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Raises budget alerts after the aggregator settled a batch: for each user-day the batch touched
 * (counted now or found counted before, so a crash between counting and this step loses no alert)
 * of a connection with a budget, reads the day's cost as its §4 record has it and, when it is over
 * the budget, creates the alert record with a conditional write. Only its creator queues it, so
 * duplicated, reordered or replayed exports and parallel aggregators raise one alert per user-day.
 * An alert created but not queued (a crash or queue failure in between) is queued by the next batch
 * touching its user-day. Nothing here throws: counting never waits on or fails for an alert.
 */
public final class BudgetWatch {

  /** No budgets: for tests and deployments without an alert queue. */
  public static final BudgetWatch NONE =
      new BudgetWatch(null, null, Clock.systemUTC(), (m, e) -> {});

  /**
   * How long a container keeps a connection's budget: a budget set, changed or cleared applies to
   * batches at most this much later.
   */
  public static final Duration CONFIG_CACHE = Duration.ofSeconds(60);

  /**
   * How long an alert's creator alone may queue it. Past that, a batch of its user-day finding it
   * not queued queues it (the creator crashed or the queue failed); if the creator was only slow,
   * the alert is queued twice and its sender, which skips what is done, still delivers it once.
   */
  public static final Duration QUEUE_LEASE = Duration.ofSeconds(60);

  private static final int KNOWN_QUEUED = 10_000;

  private final BudgetStore store;
  private final AlertQueue queue;
  private final Clock clock;
  private final BiConsumer<String, Exception> failures;
  private final Map<String, Cached> budgets = new ConcurrentHashMap<>();
  // Alerts this container saw queued: later batches of their user-day need no read.
  private final Set<AlertKey> queued =
      Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<AlertKey, Boolean> eldest) {
                  return size() > KNOWN_QUEUED;
                }
              }));

  private record Cached(Optional<Budget> budget, Instant until) {}

  /**
   * @param failures told what failed (never a secret, e-mail or cost): the aggregator logs it
   */
  public BudgetWatch(
      BudgetStore store, AlertQueue queue, Clock clock, BiConsumer<String, Exception> failures) {
    this.store = store;
    this.queue = queue;
    this.clock = clock;
    this.failures = failures;
  }

  /** Checks the user-days a batch settled, by connection. */
  public void settled(Map<String, Set<UsageKey>> userDays) {
    if (store == null) {
      return;
    }
    userDays.forEach(
        (connectionId, keys) -> {
          Optional<Budget> budget;
          try {
            budget = budget(connectionId);
          } catch (RuntimeException e) {
            failures.accept("reading the budget of connection " + connectionId + " failed", e);
            return;
          }
          budget.ifPresent(b -> keys.forEach(key -> check(b, key)));
        });
  }

  private Optional<Budget> budget(String connectionId) {
    Instant now = clock.instant();
    Cached cached = budgets.get(connectionId);
    if (cached == null || !now.isBefore(cached.until())) {
      cached = new Cached(store.budget(connectionId), now.plus(CONFIG_CACHE));
      budgets.put(connectionId, cached);
    }
    return cached.budget();
  }

  private void check(Budget budget, UsageKey userDay) {
    AlertKey key = new AlertKey(budget.connectionId(), userDay);
    if (queued.contains(key)) {
      return;
    }
    try {
      long cost = store.userDay(budget.connectionId(), userDay).map(BudgetWatch::cost).orElse(0L);
      if (cost <= budget.dailyNanoUsd()) {
        return;
      }
      Instant now = clock.instant();
      if (!store.createAlert(Alert.raised(key, cost, budget.dailyNanoUsd(), now), QUEUE_LEASE)) {
        Optional<Alert> existing = store.alert(key);
        if (existing.isEmpty() || existing.get().queued()) {
          queued.add(key);
          return;
        }
        if (!store.claimQueuing(key, now, QUEUE_LEASE)) {
          return; // its creator (or another batch) is queuing it now
        }
      }
      queue.enqueue(key, Duration.ZERO);
      store.markQueued(key);
      queued.add(key);
    } catch (RuntimeException e) {
      failures.accept(
          "raising the budget alert " + key.id() + " failed; the next batch of its day retries", e);
    }
  }

  /** The user-day's cost exactly as its §4 record has it: its models' costs, nano-USD. */
  public static long cost(StoredUsage stored) {
    long sum = 0;
    for (DailyUsage.ModelUsage model : DailyUsage.of(stored).models()) {
      sum = Math.addExact(sum, model.costNanoUsd());
    }
    return sum;
  }
}
