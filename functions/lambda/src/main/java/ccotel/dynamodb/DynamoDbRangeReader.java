package ccotel.dynamodb;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.query.StoredUsage;
import ccotel.query.UsageRangeReader;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A range of user-days read with one Query per day and shard, {@code parallelism} at a time: a
 * day's items share the sort key prefix {@code day#}, so each day of each shard is its own key
 * range and they can be read side by side instead of page after page (see docs/decisions.md,
 * "Summary: read-time aggregation with parallel day queries").
 */
public final class DynamoDbRangeReader implements UsageRangeReader {

  private final DynamoDbClient dynamoDb;
  private final String usageTable;
  private final DynamoDbShardLayouts shards;
  private final int parallelism;
  private final Integer pageLimit;
  private final boolean consistent;
  private final ExecutorService queries;

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
    this.shards = new DynamoDbShardLayouts(dynamoDb, usageTable, Clock.systemUTC());
    this.parallelism = parallelism;
    this.pageLimit = pageLimit;
    this.consistent = consistent;
    this.queries = ReaderThreads.pool("ccotel-day-reader", parallelism);
  }

  @Override
  public void readRange(String connectionId, LocalDate from, LocalDate to, DaySink sink)
      throws UsageStoreUnavailableException {
    UsageShards layout;
    try {
      layout = shards.of(connectionId);
    } catch (SdkException e) {
      throw DynamoDbCalls.readFailure(e);
    }
    // Days are read ahead of the sink by at most twice the parallelism, so a long range never
    // holds more than that many days in memory; a day's shards are read side by side.
    Deque<List<Future<List<Map<String, AttributeValue>>>>> ahead = new ArrayDeque<>();
    LocalDate nextToRead = from;
    try {
      for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
        while (ahead.size() < 2 * parallelism && !nextToRead.isAfter(to)) {
          LocalDate read = nextToRead;
          List<Future<List<Map<String, AttributeValue>>>> parts = new ArrayList<>();
          for (String partition : ItemLayout.usagePartitions(connectionId, layout, read, read)) {
            parts.add(queries.submit(() -> readDay(partition, read)));
          }
          ahead.add(parts);
          nextToRead = nextToRead.plusDays(1);
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (Future<List<Map<String, AttributeValue>>> part : ahead.poll()) {
          items.addAll(ReaderThreads.await(part));
        }
        items.sort(ItemLayout.ITEM_ORDER); // user order, as one partition had it
        List<StoredUsage> rows = new ArrayList<>(items.size());
        items.forEach(item -> rows.add(UsageItemReader.storedUsage(item)));
        sink.day(day, rows);
      }
    } finally {
      ahead.forEach(parts -> parts.forEach(pending -> pending.cancel(true)));
    }
  }

  /** Every user-day item of one day in one partition, page after page. */
  private List<Map<String, AttributeValue>> readDay(String partition, LocalDate day) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse response =
          dynamoDb.query(
              ItemLayout.days(usageTable, partition, day, day)
                  .exclusiveStartKey(start)
                  .limit(pageLimit)
                  .consistentRead(consistent)
                  .build());
      items.addAll(response.items());
      start = DynamoDbCalls.nextStart(response);
    } while (start != null);
    return items;
  }
}
