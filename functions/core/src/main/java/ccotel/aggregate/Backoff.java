package ccotel.aggregate;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between rounds of an optimistic write that lost to another writer. Full jitter (a random
 * wait up to an exponentially growing cap) spreads writers of one hot item apart, so each round
 * some writer wins and the rest find the item quieter; without it they retry in lockstep and keep
 * colliding. The waits of {@link #ROUNDS} rounds add up to at most 2.5 s, far below the
 * aggregator's 60 s timeout.
 */
public final class Backoff {

  /** Rounds of read and conditional write before a writer calls its item contended. */
  public static final int ROUNDS = 12;

  private static final long FIRST_CAP_MILLIS = 8;
  private static final long MOST_MILLIS = 400;

  private Backoff() {}

  /**
   * Waits before round {@code round} (from 0; the first round does not wait).
   *
   * @return false if the thread was interrupted (its flag set again): stop retrying
   */
  public static boolean beforeRound(int round) {
    if (round == 0) {
      return true;
    }
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap(round) + 1));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static long cap(int round) {
    return Math.min(MOST_MILLIS, FIRST_CAP_MILLIS << Math.min(round - 1, 20));
  }
}
