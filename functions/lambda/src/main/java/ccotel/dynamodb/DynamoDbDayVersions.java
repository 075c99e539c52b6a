package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.CONNECTION;
import static ccotel.dynamodb.ItemLayout.SORT_KEY;
import static ccotel.dynamodb.ItemLayout.n;
import static ccotel.dynamodb.ItemLayout.s;

import ccotel.aggregate.DayChanges;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.query.DayVersions;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The change version of each connection and UTC day, as an item of the usage table under the
 * connection's partition: sort key {@code v#YYYY-MM-DD}, number {@code v}. It starts with a letter,
 * so no day range ({@code YYYY-MM-DD#…} keys) ever reads it, the versions of a range are one small
 * Query, and the functions need no access beyond what they have (the aggregator updates usage
 * items, the query function queries them).
 */
public final class DynamoDbDayVersions implements DayChanges, DayVersions {

  static final String SORT_KEY_PREFIX = "v#";
  private static final String VERSION = "v";

  private final DynamoDbClient dynamoDb;
  private final String usageTable;

  public DynamoDbDayVersions(DynamoDbClient dynamoDb, String usageTable) {
    this.dynamoDb = dynamoDb;
    this.usageTable = usageTable;
  }

  /** One {@code ADD v 1} per day: no read, no condition, so concurrent aggregators never clash. */
  @Override
  public void changed(String connectionId, Set<LocalDate> days)
      throws UsageStoreUnavailableException {
    for (LocalDate day : days) {
      try {
        dynamoDb.updateItem(
            b ->
                b.tableName(usageTable)
                    .key(Map.of(CONNECTION, s(connectionId), SORT_KEY, s(SORT_KEY_PREFIX + day)))
                    .updateExpression("ADD #v :one")
                    .expressionAttributeNames(Map.of("#v", VERSION))
                    .expressionAttributeValues(Map.of(":one", n(1))));
      } catch (SdkException e) {
        throw DynamoDbCalls.failure("recording a day's change", e);
      }
    }
  }

  /** One consistent Query of the range's version items (about 30 bytes each: one read unit). */
  @Override
  public Map<LocalDate, Long> versions(String connectionId, LocalDate from, LocalDate to)
      throws UsageStoreUnavailableException {
    Map<LocalDate, Long> versions = new HashMap<>();
    Map<String, AttributeValue> start = null;
    try {
      do {
        Map<String, AttributeValue> page = start;
        QueryResponse response =
            dynamoDb.query(
                b ->
                    b.tableName(usageTable)
                        .keyConditionExpression("#c = :c AND #sk BETWEEN :from AND :to")
                        .expressionAttributeNames(Map.of("#c", CONNECTION, "#sk", SORT_KEY))
                        .expressionAttributeValues(
                            Map.of(
                                ":c", s(connectionId),
                                ":from", s(SORT_KEY_PREFIX + from),
                                ":to", s(SORT_KEY_PREFIX + to)))
                        .consistentRead(true)
                        .exclusiveStartKey(page));
        for (Map<String, AttributeValue> item : response.items()) {
          versions.put(
              LocalDate.parse(item.get(SORT_KEY).s().substring(SORT_KEY_PREFIX.length())),
              Long.parseLong(item.get(VERSION).n()));
        }
        start = DynamoDbCalls.nextStart(response);
      } while (start != null);
    } catch (SdkException e) {
      throw DynamoDbCalls.readFailure(e);
    }
    return versions;
  }
}
