package ccotel.dynamodb;

import static ccotel.dynamodb.DynamoDbUsageStore.n;
import static ccotel.dynamodb.DynamoDbUsageStore.s;

import ccotel.activity.LastExportReader;
import ccotel.activity.LastExportRecorder;
import ccotel.aggregate.UsageStoreUnavailableException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Each connection's last export time, as one item of the usage table under the connection's
 * partition: sort key {@value #SORT_KEY_VALUE}, which starts with a letter, so no day range ("YYYY-
 * MM-DD#..." keys) ever reads it, and the functions need no access beyond what they have (the
 * aggregator updates usage items, the query function queries them).
 */
public final class DynamoDbLastExport implements LastExportReader, LastExportRecorder {

  static final String SORT_KEY_VALUE = "lastExport";
  private static final String AT = "lastExportAtMillis";

  private final DynamoDbClient dynamoDb;
  private final String usageTable;

  public DynamoDbLastExport(DynamoDbClient dynamoDb, String usageTable) {
    this.dynamoDb = dynamoDb;
    this.usageTable = usageTable;
  }

  @Override
  public void exportReceived(String connectionId, Instant receivedAt)
      throws UsageStoreUnavailableException {
    try {
      dynamoDb.updateItem(
          b ->
              b.tableName(usageTable)
                  .key(key(connectionId))
                  .updateExpression("SET #at = :at")
                  // Only forward: an older batch finishing late leaves a newer time alone.
                  .conditionExpression("attribute_not_exists(#at) OR #at < :at")
                  .expressionAttributeNames(Map.of("#at", AT))
                  .expressionAttributeValues(Map.of(":at", n(receivedAt.toEpochMilli()))));
    } catch (ConditionalCheckFailedException e) {
      // a later export is recorded already
    } catch (SdkException e) {
      throw new UsageStoreUnavailableException("recording the last export: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Instant> lastExportAt(String connectionId) throws UsageStoreUnavailableException {
    QueryResponse response;
    try {
      // A query, not a GetItem: the query function may only query the usage table.
      response =
          dynamoDb.query(
              b ->
                  b.tableName(usageTable)
                      .keyConditionExpression("#c = :c AND #sk = :sk")
                      .expressionAttributeNames(
                          Map.of(
                              "#c",
                              DynamoDbTables.USAGE_PARTITION_KEY,
                              "#sk",
                              DynamoDbTables.USAGE_SORT_KEY))
                      .expressionAttributeValues(
                          Map.of(":c", s(connectionId), ":sk", s(SORT_KEY_VALUE))));
    } catch (SdkException e) {
      throw new UsageStoreUnavailableException("reading the last export: " + e.getMessage(), e);
    }
    if (!response.hasItems() || response.items().isEmpty()) {
      return Optional.empty();
    }
    AttributeValue at = response.items().get(0).get(AT);
    return at == null || at.n() == null
        ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(Long.parseLong(at.n())));
  }

  private static Map<String, AttributeValue> key(String connectionId) {
    return Map.of(
        DynamoDbTables.USAGE_PARTITION_KEY,
        s(connectionId),
        DynamoDbTables.USAGE_SORT_KEY,
        s(SORT_KEY_VALUE));
  }
}
