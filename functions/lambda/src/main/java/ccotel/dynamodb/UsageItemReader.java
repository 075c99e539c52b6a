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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads user-day items in (day, user) order. Paging is DynamoDB's own {@code ExclusiveStartKey}:
 * the cursor is the last sort key read.
 */
final class UsageItemReader implements UsageReader {

  private static final int DAY_LENGTH = "YYYY-MM-DD".length();

  private static final Pattern SORT_KEY_FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}#.+#[eau]");

  private final DynamoDbClient dynamoDb;
  private final String usageTable;

  UsageItemReader(DynamoDbClient dynamoDb, String usageTable) {
    this.dynamoDb = dynamoDb;
    this.usageTable = usageTable;
  }

  @Override
  public UsagePage read(
      String connectionId, LocalDate from, LocalDate to, int limit, Optional<String> cursor)
      throws InvalidCursorException, UsageStoreUnavailableException {
    Map<String, AttributeValue> start = null;
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
      start = Map.of(CONNECTION, s(connectionId), SORT_KEY, s(cursor.get()));
    }
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    try {
      // One more than asked, to know whether there is a next page.
      do {
        QueryResponse response =
            dynamoDb.query(
                ItemLayout.days(usageTable, connectionId, from, to)
                    .exclusiveStartKey(start)
                    .limit(limit + 1 - items.size())
                    .build());
        items.addAll(response.items());
        start =
            response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey()
                : null;
      } while (start != null && items.size() <= limit);
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
