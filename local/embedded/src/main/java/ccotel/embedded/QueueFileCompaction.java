package ccotel.embedded;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;

/**
 * Keeps ElasticMQ's H2 queue file bounded while it runs.
 *
 * <p>The queue commits every send, receive and delete to the file before answering ({@code
 * WRITE_DELAY=0}, what makes a 200 survive kill -9), and H2 writes each commit as a chunk of its
 * own: a busy runner writes well over a thousand chunks a second, each dead a moment later. H2
 * reuses a dead chunk's space only after its retention time (45 s by default, for the disk to take
 * what the OS still holds), and with {@code WRITE_DELAY=0} it never starts the background thread
 * that compacts, so the file grew to hundreds of MB under load and gave it back only at a clean
 * stop. ElasticMQ's SQL persistence has no setting for this; H2's public store API does. Every
 * {@link #EVERY} this forces the file to disk, which makes a short retention as safe as H2's
 * default, rewrites the live pages of sparse chunks, so that old chunks die whole and their space
 * is reused, and moves chunks from the end of the file into free space before it, so that the file
 * shrinks (both what H2's background thread would do). Commits are unchanged, so durability is.
 */
final class QueueFileCompaction implements AutoCloseable {

  static final Duration EVERY = Duration.ofMillis(100);

  /**
   * How long H2 keeps a dead chunk before reusing its space: longer than {@link #EVERY}, so the
   * commit that made it dead has been forced to disk by then.
   */
  static final Duration RETENTION = Duration.ofMillis(500);

  /** Chunks less full than this are rewritten (H2's background thread uses its fill rate, 90). */
  private static final int TARGET_FILL_RATE = 90;

  /**
   * At most this much rewritten per round, so that one round holds H2's store lock, which commits
   * wait for, only briefly.
   */
  private static final int MAX_REWRITE_BYTES = 4 * 1024 * 1024;

  private final Connection connection;
  private final ScheduledExecutorService scheduler;

  private QueueFileCompaction(Connection connection, ScheduledExecutorService scheduler) {
    this.connection = connection;
    this.scheduler = scheduler;
  }

  /**
   * Starts compacting the database ElasticMQ opened at {@code jdbcUrl}: a connection of our own
   * with the same URL in this JVM reaches the same H2 database, and its store.
   */
  static QueueFileCompaction start(String jdbcUrl) {
    Connection connection;
    MVStore store;
    try {
      connection = DriverManager.getConnection(jdbcUrl, "sa", "");
      store =
          ((SessionLocal) connection.unwrap(JdbcConnection.class).getSession())
              .getDatabase()
              .getStore()
              .getMvStore();
    } catch (SQLException e) {
      throw new IllegalStateException("could not open the queue database to compact it", e);
    }
    store.setRetentionTime((int) RETENTION.toMillis());
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "ccotel-queue-compaction");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            if (!store.isClosed()) {
              store.sync();
              store.compact(TARGET_FILL_RATE, MAX_REWRITE_BYTES);
              if (store.getFileStore() instanceof RandomAccessStore file) {
                // Moves chunks from the end of the file into free space before it, so that the
                // file shrinks and free gaps do not pile up (H2's background thread does this too).
                file.compactMoveChunks(TARGET_FILL_RATE, MAX_REWRITE_BYTES, store);
              }
            }
          } catch (RuntimeException e) {
            // H2 closed the store under us (shutdown) or met a transient state: next round.
          }
        },
        EVERY.toMillis(),
        EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    return new QueueFileCompaction(connection, scheduler);
  }

  /** Stops compacting; closing the last connection lets H2 close (and compact) the file. */
  @Override
  public void close() {
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // the database is closing anyway
    }
  }
}
