package ccotel.dynamodb;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.query.StoredUsage;
import ccotel.query.UsageRangeReader;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A range of user-days read with one Query per day, {@code parallelism} days at a time: a day's
 * items share the sort key prefix {@code day#}, so each day is its own key range and the days of a
 * range can be read side by side instead of page after page (see docs/decisions.md, "Summary:
 * read-time aggregation with parallel day queries").
 */
public final class DynamoDbRangeReader implements UsageRangeReader {

  private static final Duration IDLE_THREADS_LIVE = Duration.ofMinutes(1);

  private final DynamoDbClient dynamoDb;
  private final String usageTable;
  private final int parallelism;
  private final Integer pageLimit;
  private final boolean consistent;
  private final ExecutorService days;

  /** Reads up to {@code parallelism} days at once on threads of its own. */
  public DynamoDbRangeReader(DynamoDbClient dynamoDb, String usageTable, int parallelism) {
    this(dynamoDb, usageTable, parallelism, null, false);
  }

  /**
   * As above, with consistent reads if {@code consistent} (twice the read units): what a reader
   * that keeps the rows needs, since a write it misses would stay missing until its day changes
   * again.
   */
  public DynamoDbRangeReader(
      DynamoDbClient dynamoDb, String usageTable, int parallelism, boolean consistent) {
    this(dynamoDb, usageTable, parallelism, null, consistent);
  }

  /** As above, with Query pages of at most {@code pageLimit} items (null: DynamoDB's 1 MB). */
  DynamoDbRangeReader(
      DynamoDbClient dynamoDb,
      String usageTable,
      int parallelism,
      Integer pageLimit,
      boolean consistent) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    this.dynamoDb = dynamoDb;
    this.usageTable = usageTable;
    this.parallelism = parallelism;
    this.pageLimit = pageLimit;
    this.consistent = consistent;
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            parallelism,
            parallelism,
            IDLE_THREADS_LIVE.toSeconds(),
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            work -> {
              Thread thread = new Thread(work, "ccotel-day-reader");
              thread.setDaemon(true); // never keeps a JVM up
              return thread;
            });
    pool.allowCoreThreadTimeOut(true); // no threads kept between summaries a minute apart
    this.days = pool;
  }

  @Override
  public void readRange(String connectionId, LocalDate from, LocalDate to, DaySink sink)
      throws UsageStoreUnavailableException {
    // Days are read ahead of the sink by at most twice the parallelism, so a long range never
    // holds more than that many days in memory.
    Deque<Future<List<StoredUsage>>> ahead = new ArrayDeque<>();
    LocalDate nextToRead = from;
    try {
      for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
        while (ahead.size() < 2 * parallelism && !nextToRead.isAfter(to)) {
          LocalDate read = nextToRead;
          ahead.add(days.submit(() -> readDay(connectionId, read)));
          nextToRead = nextToRead.plusDays(1);
        }
        sink.day(day, await(ahead.poll()));
      }
    } finally {
      ahead.forEach(pending -> pending.cancel(true));
    }
  }

  private static List<StoredUsage> await(Future<List<StoredUsage>> day)
      throws UsageStoreUnavailableException {
    try {
      return day.get();
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

  /** Every user-day of one day, in user order, page after page. */
  private List<StoredUsage> readDay(String connectionId, LocalDate day) {
    List<StoredUsage> rows = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse response =
          dynamoDb.query(
              ItemLayout.days(usageTable, connectionId, day, day)
                  .exclusiveStartKey(start)
                  .limit(pageLimit)
                  .consistentRead(consistent)
                  .build());
      for (Map<String, AttributeValue> item : response.items()) {
        rows.add(UsageItemReader.storedUsage(item));
      }
      start =
          response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
              ? response.lastEvaluatedKey()
              : null;
    } while (start != null);
    return rows;
  }
}
