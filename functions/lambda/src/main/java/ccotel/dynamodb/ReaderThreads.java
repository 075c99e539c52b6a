package ccotel.dynamodb;

import ccotel.aggregate.UsageStoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.exception.SdkException;

/** Threads that run a reader's Queries side by side. */
final class ReaderThreads {

  private static final Duration IDLE_THREADS_LIVE = Duration.ofMinutes(1);

  private ReaderThreads() {}

  /**
   * Up to {@code threads} daemon threads (never keeping a JVM up), none kept once idle a minute
   * (nothing held between summaries a minute apart).
   */
  static ExecutorService pool(String name, int threads) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            IDLE_THREADS_LIVE.toSeconds(),
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            work -> {
              Thread thread = new Thread(work, name);
              thread.setDaemon(true);
              return thread;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** A read's result; its DynamoDB failure as the reader's. */
  static <T> T await(Future<T> read) throws UsageStoreUnavailableException {
    try {
      return read.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UsageStoreUnavailableException("interrupted while reading usage", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SdkException failure) {
        throw DynamoDbCalls.readFailure(failure);
      }
      if (e.getCause() instanceof RuntimeException defect) {
        throw defect;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
