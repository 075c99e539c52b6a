package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.ACTOR_ID;
import static ccotel.dynamodb.ItemLayout.ACTOR_KIND;
import static ccotel.dynamodb.ItemLayout.CONNECTION;
import static ccotel.dynamodb.ItemLayout.DAY;
import static ccotel.dynamodb.ItemLayout.SORT_KEY;
import static ccotel.dynamodb.ItemLayout.s;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.query.InvalidCursorException;
import ccotel.query.StoredUsage;
import ccotel.query.UsagePage;
import ccotel.query.UsageReader;
import ccotel.usage.Counter;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads user-day items in (day, user) order, merging the Queries of the connection's shards by sort
 * key. Paging is DynamoDB's own {@code ExclusiveStartKey} in each shard: the cursor is the last
 * sort key read, whichever shard held it.
 */
final class UsageItemReader implements UsageReader {

  private static final int DAY_LENGTH = "YYYY-MM-DD".length();

  private static final Pattern SORT_KEY_FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}#.+#[eau]");

  /** Shards whose first pages are read side by side. */
  private static final int SHARDS_AT_ONCE = 16;

  private final DynamoDbClient dynamoDb;
  private final String usageTable;
  private final DynamoDbShardLayouts shards;
  private final ExecutorService queries = ReaderThreads.pool("ccotel-page-reader", SHARDS_AT_ONCE);

  UsageItemReader(DynamoDbClient dynamoDb, String usageTable, DynamoDbShardLayouts shards) {
    this.dynamoDb = dynamoDb;
    this.usageTable = usageTable;
    this.shards = shards;
  }

  @Override
  public UsagePage read(
      String connectionId, LocalDate from, LocalDate to, int limit, Optional<String> cursor)
      throws InvalidCursorException, UsageStoreUnavailableException {
    if (cursor.isPresent()) {
      if (!SORT_KEY_FORM.matcher(cursor.get()).matches()) {
        throw new InvalidCursorException("not a cursor of ours");
      }
      // DynamoDB refuses a start key outside the key condition with a ValidationException.
      LocalDate day;
      try {
        day = LocalDate.parse(cursor.get().substring(0, DAY_LENGTH));
      } catch (DateTimeParseException e) {
        throw new InvalidCursorException("not a cursor of ours");
      }
      if (day.isBefore(from) || day.isAfter(to)) {
        throw new InvalidCursorException("outside the requested dates");
      }
    }
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    try {
      List<Shard> heads = new ArrayList<>();
      for (String partition :
          ItemLayout.usagePartitions(connectionId, shards.of(connectionId), from, to)) {
        heads.add(new Shard(partition, cursor));
      }
      // One more than asked, to know whether there is a next page: any shard's first page may
      // hold all of them, and the shards are read side by side.
      List<Future<?>> firstPages = new ArrayList<>();
      for (Shard shard : heads) {
        firstPages.add(queries.submit(() -> shard.fetch(from, to, limit + 1)));
      }
      for (Future<?> page : firstPages) {
        ReaderThreads.await(page);
      }
      // A merge by sort key: the order, and so the cursor, of the one partition there used to be.
      while (items.size() <= limit) {
        Shard least = null;
        for (Shard shard : heads) {
          if (shard.buffered.isEmpty() && shard.start != null) {
            shard.fetch(from, to, limit + 1 - items.size()); // a page cut short at 1 MB
          }
          if (!shard.buffered.isEmpty()
              && (least == null
                  || ItemLayout.ITEM_ORDER.compare(shard.buffered.peek(), least.buffered.peek())
                      < 0)) {
            least = shard;
          }
        }
        if (least == null) {
          break;
        }
        items.add(least.buffered.poll());
      }
    } catch (SdkException e) {
      throw DynamoDbCalls.readFailure(e);
    }
    List<StoredUsage> rows = new ArrayList<>();
    for (Map<String, AttributeValue> item : items.subList(0, Math.min(limit, items.size()))) {
      rows.add(storedUsage(item));
    }
    Optional<String> next =
        items.size() > limit
            ? Optional.of(items.get(limit - 1).get(SORT_KEY).s())
            : Optional.empty();
    return new UsagePage(rows, next);
  }

  /** One partition's items read and not yet merged, and where its Query goes on (null: done). */
  private final class Shard {
    private final String partition;
    private final Deque<Map<String, AttributeValue>> buffered = new ArrayDeque<>();
    private Map<String, AttributeValue> start;

    Shard(String partition, Optional<String> cursor) {
      this.partition = partition;
      // The cursor need not be an item of this partition: a start key is only a position.
      this.start =
          cursor.isPresent()
              ? Map.of(CONNECTION, s(partition), SORT_KEY, s(cursor.get()))
              : Map.of();
    }

    void fetch(LocalDate from, LocalDate to, int most) {
      QueryResponse response =
          dynamoDb.query(
              ItemLayout.days(usageTable, partition, from, to)
                  .exclusiveStartKey(start.isEmpty() ? null : start)
                  .limit(most)
                  .build());
      buffered.addAll(response.items());
      start = DynamoDbCalls.nextStart(response);
    }
  }

  static StoredUsage storedUsage(Map<String, AttributeValue> item) {
    UsageKey key =
        new UsageKey(
            LocalDate.parse(item.get(DAY).s()),
            new UserIdentity(
                UserIdentity.Kind.valueOf(item.get(ACTOR_KIND).s()), item.get(ACTOR_ID).s()));
    Map<Counter, String> counters = new HashMap<>();
    ItemLayout.storedCounters(item)
        .forEach((name, value) -> Counter.parse(name).ifPresent(c -> counters.put(c, value)));
    return StoredUsage.parse(key, counters);
  }
}
