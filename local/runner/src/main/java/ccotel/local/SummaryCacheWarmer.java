package ccotel.local;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.query.CachingRangeReader;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps the local summary's day cache warm: at start and then every minute (or nine times as long
 * as the last pass took, if that is longer), every connection's last {@value #DAYS} UTC days (the
 * dashboard's longest preset, and the 30 days before its default range) are read again where their
 * version moved or they were read {@link #OLDER_THAN} ago. So the dashboard, opened at any time,
 * finds them in memory (docs/decisions.md "Summary day cache"). Locally a read costs nothing but
 * the runner's time, which is why this is local only: deployed, each query container would pay the
 * read units of the whole range every few minutes.
 */
final class SummaryCacheWarmer implements AutoCloseable {

  static final int DAYS = 90;

  /** Under the cache's 10 minutes by more than a period, so no day ages out between passes. */
  static final Duration OLDER_THAN = Duration.ofMinutes(8);

  static final Duration PERIOD = Duration.ofMinutes(1);

  /**
   * The pause after a pass is at least this many times the pass, so warming takes at most a tenth
   * of a core even where a range does not fit the cache and every pass reads all of it.
   */
  static final int PAUSE_PER_PASS = 9;

  private final Supplier<List<String>> connectionIds;
  private final CachingRangeReader cache;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "ccotel-summary-warmer");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY); // behind ingest and the aggregator
            return thread;
          });
  private boolean failing;

  SummaryCacheWarmer(Supplier<List<String>> connectionIds, CachingRangeReader cache, Clock clock) {
    this.connectionIds = connectionIds;
    this.cache = cache;
    this.clock = clock;
  }

  void start() {
    timer.execute(this::passAndRearm);
  }

  private void passAndRearm() {
    long started = System.nanoTime();
    passQuietly();
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    if (!timer.isShutdown()) {
      timer.schedule(
          this::passAndRearm,
          Math.max(PERIOD.toMillis(), PAUSE_PER_PASS * tookMillis),
          TimeUnit.MILLISECONDS);
    }
  }

  /** One pass over every connection. */
  void pass() throws UsageStoreUnavailableException {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    for (String connectionId : connectionIds.get()) {
      cache.refresh(connectionId, today.minusDays(DAYS - 1), today, OLDER_THAN);
    }
  }

  private void passQuietly() {
    try {
      pass();
      failing = false;
    } catch (RuntimeException | UsageStoreUnavailableException e) {
      // Only a slower summary follows; said once per run of failures, not every minute.
      if (!failing && !timer.isShutdown()) {
        System.err.println("ccotel: keeping the summary cache warm failed (retrying): " + e);
      }
      failing = true;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
