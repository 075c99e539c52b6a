package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.n;
import static ccotel.dynamodb.ItemLayout.s;

import ccotel.activity.ActivityReader;
import ccotel.activity.ActivityRecorder;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.usage.UserIdentity;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Each connection's activity, as items of the usage table under the connection's partition whose
 * sort keys start with a letter, so no day range ("YYYY-MM-DD#..." keys) ever reads them, and the
 * functions need no access beyond what they have (the aggregator updates usage items, the query
 * function queries them):
 *
 * <ul>
 *   <li>{@value #LAST_EXPORT}: the newest export's receipt time;
 *   <li>{@value #EXPORTS_PREFIX}{@code YYYY-MM-DDTHH}: exports received in that UTC hour;
 *   <li>{@value #ACTIVE_PREFIX}{@code <kind>#<value>}: a user's last active day, in the shard its
 *       sort key hashes to ({@link ItemLayout#usagePartition}).
 * </ul>
 */
public final class DynamoDbActivity implements ActivityReader, ActivityRecorder {

  static final String LAST_EXPORT = "lastExport";
  static final String EXPORTS_PREFIX = "exports#";
  static final String ACTIVE_PREFIX = "active#";
  private static final String AT = "lastExportAtMillis";
  private static final String COUNT = "exports";
  private static final String LAST_DAY = "lastDay";
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);

  private final DynamoDbClient dynamoDb;
  private final String usageTable;
  private final DynamoDbShardLayouts shards;

  public DynamoDbActivity(DynamoDbClient dynamoDb, String usageTable) {
    this.dynamoDb = dynamoDb;
    this.usageTable = usageTable;
    this.shards = new DynamoDbShardLayouts(dynamoDb, usageTable, Clock.systemUTC());
  }

  @Override
  public void exportReceived(String connectionId, Instant receivedAt)
      throws UsageStoreUnavailableException {
    forwardOnly(
        connectionId,
        LAST_EXPORT,
        "SET #v = :v",
        Map.of("#v", AT),
        Map.of(":v", n(receivedAt.toEpochMilli())),
        "the last export");
  }

  @Override
  public void exportsCounted(String connectionId, Map<Instant, Integer> perHour)
      throws UsageStoreUnavailableException {
    for (Map.Entry<Instant, Integer> hour : perHour.entrySet()) {
      try {
        dynamoDb.updateItem(
            b ->
                b.tableName(usageTable)
                    .key(key(connectionId, EXPORTS_PREFIX + HOUR.format(hour.getKey())))
                    .updateExpression("ADD #n :n")
                    .expressionAttributeNames(Map.of("#n", COUNT))
                    .expressionAttributeValues(Map.of(":n", n(hour.getValue()))));
      } catch (SdkException e) {
        throw new UsageStoreUnavailableException("counting exports: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void usersActive(String connectionId, Map<UserIdentity, LocalDate> lastDays)
      throws UsageStoreUnavailableException {
    UsageShards layout = layout(connectionId);
    for (Map.Entry<UserIdentity, LocalDate> user : lastDays.entrySet()) {
      String sortKey = ACTIVE_PREFIX + user.getKey().kind() + "#" + user.getKey().value();
      // In a shard, as the user's usage: a user's first export of a day writes this, so at the
      // turn of a UTC day every active user of a large connection does at once.
      forwardOnly(
          ItemLayout.usagePartition(connectionId, layout.countOn(user.getValue()), sortKey),
          sortKey,
          "SET #v = :v, #kind = :kind, #id = :id",
          Map.of("#v", LAST_DAY, "#kind", ItemLayout.ACTOR_KIND, "#id", ItemLayout.ACTOR_ID),
          Map.of(
              ":v", s(user.getValue().toString()),
              ":kind", s(user.getKey().kind().name()),
              ":id", s(user.getKey().value())),
          "a user's last active day");
    }
  }

  /** Sets {@code #v} unless the stored value is as late already: an older batch never undoes. */
  private void forwardOnly(
      String connectionId,
      String sortKey,
      String update,
      Map<String, String> names,
      Map<String, AttributeValue> values,
      String what)
      throws UsageStoreUnavailableException {
    try {
      dynamoDb.updateItem(
          b ->
              b.tableName(usageTable)
                  .key(key(connectionId, sortKey))
                  .updateExpression(update)
                  .conditionExpression("attribute_not_exists(#v) OR #v < :v")
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values));
    } catch (ConditionalCheckFailedException e) {
      // as late or later already
    } catch (SdkException e) {
      throw new UsageStoreUnavailableException("recording " + what + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Instant> lastExportAt(String connectionId) throws UsageStoreUnavailableException {
    // Queries, not GetItem: the query function may only query the usage table.
    for (Map<String, AttributeValue> item :
        query(connectionId, "#sk = :from", LAST_EXPORT, null, "the last export")) {
      AttributeValue at = item.get(AT);
      if (at != null && at.n() != null) {
        return Optional.of(Instant.ofEpochMilli(Long.parseLong(at.n())));
      }
    }
    return Optional.empty();
  }

  @Override
  public long exportsReceivedSince(String connectionId, Instant fromHour)
      throws UsageStoreUnavailableException {
    long exports = 0;
    for (Map<String, AttributeValue> item :
        query(
            connectionId,
            "#sk BETWEEN :from AND :to",
            EXPORTS_PREFIX + HOUR.format(fromHour),
            EXPORTS_PREFIX + "~",
            "exports per hour")) {
      AttributeValue count = item.get(COUNT);
      exports += count == null || count.n() == null ? 0 : Long.parseLong(count.n());
    }
    return exports;
  }

  @Override
  public Map<UserIdentity, LocalDate> lastActiveDays(String connectionId)
      throws UsageStoreUnavailableException {
    Map<UserIdentity, LocalDate> days = new TreeMap<>();
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    // A shard count change may have given a user an item in another shard too: the later day wins.
    for (String partition : ItemLayout.everyPartition(connectionId, layout(connectionId))) {
      items.addAll(
          query(partition, "begins_with(#sk, :from)", ACTIVE_PREFIX, null, "active users"));
    }
    for (Map<String, AttributeValue> item : items) {
      AttributeValue kind = item.get(ItemLayout.ACTOR_KIND);
      AttributeValue id = item.get(ItemLayout.ACTOR_ID);
      AttributeValue day = item.get(LAST_DAY);
      if (kind != null && id != null && day != null) {
        days.merge(
            new UserIdentity(UserIdentity.Kind.valueOf(kind.s()), id.s()),
            LocalDate.parse(day.s()),
            (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    return days;
  }

  private UsageShards layout(String connectionId) throws UsageStoreUnavailableException {
    try {
      return shards.of(connectionId);
    } catch (SdkException e) {
      throw new UsageStoreUnavailableException("reading the shard layout: " + e.getMessage(), e);
    }
  }

  private List<Map<String, AttributeValue>> query(
      String connectionId, String sortKeyCondition, String from, String to, String what)
      throws UsageStoreUnavailableException {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":c", s(connectionId));
    values.put(":from", s(from));
    if (to != null) {
      values.put(":to", s(to));
    }
    QueryRequest request =
        QueryRequest.builder()
            .tableName(usageTable)
            .keyConditionExpression("#c = :c AND " + sortKeyCondition)
            .expressionAttributeNames(
                Map.of(
                    "#c", DynamoDbTables.USAGE_PARTITION_KEY, "#sk", DynamoDbTables.USAGE_SORT_KEY))
            .expressionAttributeValues(values)
            .build();
    try {
      // Materialised here, so a failure on a later page is this method's, not the caller's loop's.
      return dynamoDb.queryPaginator(request).items().stream().toList();
    } catch (SdkException e) {
      throw new UsageStoreUnavailableException("reading " + what + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, AttributeValue> key(String connectionId, String sortKey) {
    return Map.of(
        DynamoDbTables.USAGE_PARTITION_KEY,
        s(connectionId),
        DynamoDbTables.USAGE_SORT_KEY,
        s(sortKey));
  }
}
