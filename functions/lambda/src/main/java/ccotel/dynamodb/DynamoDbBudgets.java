package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.CONNECTION;
import static ccotel.dynamodb.ItemLayout.SORT_KEY;
import static ccotel.dynamodb.ItemLayout.n;
import static ccotel.dynamodb.ItemLayout.s;

import ccotel.budget.Alert;
import ccotel.budget.AlertKey;
import ccotel.budget.Budget;
import ccotel.budget.BudgetStore;
import ccotel.query.StoredUsage;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Budgets and alerts as items of the usage table, in the connection's partition next to its
 * user-days: sort key {@value #BUDGET} for the budget, {@code alert#<day>#<user>#<kind>} for each
 * alert (no expiry: the record is what makes an alert once-only). Both start with a letter, so no
 * day range ("YYYY-MM-DD#...") reads them, and a connection's alerts are one Query.
 */
public final class DynamoDbBudgets implements BudgetStore {

  static final String BUDGET = "budget";
  private static final String ALERT_PREFIX = "alert#";
  private static final String DAILY_NANO_USD = "dailyNanoUsd";
  private static final String WEBHOOK = "webhook";
  private static final String WEBHOOK_SECRET = "webhookSecret";
  private static final String COST = "costNanoUsd";
  private static final String RAISED_AT = "raisedAt";
  private static final String QUEUED = "queued";
  private static final String QUEUE_LEASE_UNTIL = "queueLeaseUntilMillis";
  private static final String PUBLISHED = "published";
  private static final String DELIVERY = "delivery";
  private static final String ATTEMPTS = "attempts";
  private static final String LAST_ERROR = "lastError";

  private final DynamoDbClient dynamoDb;
  private final String usageTable;
  private final DynamoDbShardLayouts shards;

  public DynamoDbBudgets(DynamoDbClient dynamoDb, String usageTable) {
    this.dynamoDb = dynamoDb;
    this.usageTable = usageTable;
    this.shards = new DynamoDbShardLayouts(dynamoDb, usageTable, Clock.systemUTC());
  }

  @Override
  public Optional<Budget> budget(String connectionId) {
    return get(key(connectionId, BUDGET))
        .map(
            item ->
                new Budget(
                    connectionId,
                    Long.parseLong(item.get(DAILY_NANO_USD).n()),
                    Optional.ofNullable(item.get(WEBHOOK)).map(v -> URI.create(v.s())),
                    Optional.ofNullable(item.get(WEBHOOK_SECRET)).map(AttributeValue::s)));
  }

  @Override
  public void putBudget(Budget budget) {
    Map<String, AttributeValue> item = new HashMap<>(key(budget.connectionId(), BUDGET));
    item.put(DAILY_NANO_USD, n(budget.dailyNanoUsd()));
    budget.webhook().ifPresent(url -> item.put(WEBHOOK, s(url.toString())));
    budget.webhookSecret().ifPresent(secret -> item.put(WEBHOOK_SECRET, s(secret)));
    dynamoDb.putItem(b -> b.tableName(usageTable).item(item));
  }

  @Override
  public boolean deleteBudget(String connectionId) {
    return dynamoDb
        .deleteItem(
            b ->
                b.tableName(usageTable)
                    .key(key(connectionId, BUDGET))
                    .returnValues(
                        software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD))
        .hasAttributes();
  }

  @Override
  public Optional<StoredUsage> userDay(String connectionId, UsageKey key) {
    return get(ItemLayout.usageKey(connectionId, shards.of(connectionId), key))
        .map(UsageItemReader::storedUsage);
  }

  @Override
  public boolean createAlert(Alert alert, Duration queueLease) {
    Map<String, AttributeValue> item = new HashMap<>(alertKey(alert.key()));
    item.put(ItemLayout.DAY, s(alert.userDay().day().toString()));
    item.put(ItemLayout.ACTOR_KIND, s(alert.userDay().user().kind().name()));
    item.put(ItemLayout.ACTOR_ID, s(alert.userDay().user().value()));
    item.put(COST, n(alert.costNanoUsd()));
    item.put(DAILY_NANO_USD, n(alert.budgetNanoUsd()));
    item.put(RAISED_AT, s(alert.raisedAt().toString()));
    item.put(QUEUED, bool(false));
    item.put(PUBLISHED, bool(false));
    item.put(DELIVERY, s(alert.delivery().name()));
    item.put(ATTEMPTS, n(0));
    item.put(QUEUE_LEASE_UNTIL, n(alert.raisedAt().plus(queueLease).toEpochMilli()));
    try {
      dynamoDb.putItem(
          b ->
              b.tableName(usageTable)
                  .item(item)
                  .conditionExpression("attribute_not_exists(#sk)")
                  .expressionAttributeNames(Map.of("#sk", SORT_KEY)));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false; // raised before, by this or another aggregator
    }
  }

  @Override
  public boolean claimQueuing(AlertKey key, Instant now, Duration queueLease) {
    try {
      dynamoDb.updateItem(
          b ->
              b.tableName(usageTable)
                  .key(alertKey(key))
                  .updateExpression("SET #l = :until")
                  .conditionExpression("attribute_exists(#sk) AND #q = :false AND #l < :now")
                  .expressionAttributeNames(
                      Map.of("#sk", SORT_KEY, "#q", QUEUED, "#l", QUEUE_LEASE_UNTIL))
                  .expressionAttributeValues(
                      Map.of(
                          ":false",
                          bool(false),
                          ":now",
                          n(now.toEpochMilli()),
                          ":until",
                          n(now.plus(queueLease).toEpochMilli()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public Optional<Alert> alert(AlertKey key) {
    return get(alertKey(key)).map(item -> alert(key.connectionId(), item));
  }

  @Override
  public void markQueued(AlertKey key) {
    update(key, "SET #f = :t", Map.of("#f", QUEUED), Map.of(":t", bool(true)));
  }

  @Override
  public void markPublished(AlertKey key) {
    update(key, "SET #f = :t", Map.of("#f", PUBLISHED), Map.of(":t", bool(true)));
  }

  @Override
  public void markDelivered(AlertKey key) {
    update(
        key,
        "SET #d = :d",
        Map.of("#d", DELIVERY),
        Map.of(":d", s(Alert.Delivery.DELIVERED.name())));
  }

  @Override
  public void recordFailure(AlertKey key, int attempts, String error, boolean givenUp) {
    update(
        key,
        "SET #a = :a, #e = :e, #d = :d",
        Map.of("#a", ATTEMPTS, "#e", LAST_ERROR, "#d", DELIVERY),
        Map.of(
            ":a",
            n(attempts),
            ":e",
            s(error),
            ":d",
            s((givenUp ? Alert.Delivery.FAILED : Alert.Delivery.PENDING).name())));
  }

  @Override
  public List<Alert> alerts(String connectionId) {
    List<Alert> alerts = new ArrayList<>();
    dynamoDb
        .queryPaginator(
            QueryRequest.builder()
                .tableName(usageTable)
                .consistentRead(true)
                .keyConditionExpression("#c = :c AND #sk BETWEEN :from AND :to")
                .expressionAttributeNames(Map.of("#c", CONNECTION, "#sk", SORT_KEY))
                .expressionAttributeValues(
                    Map.of(
                        ":c",
                        s(connectionId),
                        ":from",
                        s(ALERT_PREFIX),
                        ":to",
                        s("alert$"))) // '#' < '$': every alert key sorts below
                .build())
        .items()
        .forEach(item -> alerts.add(alert(connectionId, item)));
    return alerts;
  }

  /** Only ever on an existing alert: a late update must not create a half record. */
  private void update(
      AlertKey key,
      String expression,
      Map<String, String> names,
      Map<String, AttributeValue> values) {
    Map<String, String> allNames = new HashMap<>(names);
    allNames.put("#sk", SORT_KEY);
    dynamoDb.updateItem(
        b ->
            b.tableName(usageTable)
                .key(alertKey(key))
                .updateExpression(expression)
                .conditionExpression("attribute_exists(#sk)")
                .expressionAttributeNames(allNames)
                .expressionAttributeValues(values));
  }

  private Optional<Map<String, AttributeValue>> get(Map<String, AttributeValue> key) {
    GetItemResponse response =
        dynamoDb.getItem(b -> b.tableName(usageTable).key(key).consistentRead(true));
    return response.hasItem() && !response.item().isEmpty()
        ? Optional.of(response.item())
        : Optional.empty();
  }

  private static Alert alert(String connectionId, Map<String, AttributeValue> item) {
    UsageKey userDay =
        new UsageKey(
            LocalDate.parse(item.get(ItemLayout.DAY).s()),
            new UserIdentity(
                UserIdentity.Kind.valueOf(item.get(ItemLayout.ACTOR_KIND).s()),
                item.get(ItemLayout.ACTOR_ID).s()));
    return new Alert(
        new AlertKey(connectionId, userDay),
        Long.parseLong(item.get(COST).n()),
        Long.parseLong(item.get(DAILY_NANO_USD).n()),
        Instant.parse(item.get(RAISED_AT).s()),
        item.get(QUEUED).bool(),
        item.get(PUBLISHED).bool(),
        Alert.Delivery.valueOf(item.get(DELIVERY).s()),
        Integer.parseInt(item.get(ATTEMPTS).n()),
        Optional.ofNullable(item.get(LAST_ERROR)).map(AttributeValue::s));
  }

  private static Map<String, AttributeValue> key(String connectionId, String sortKey) {
    return Map.of(CONNECTION, s(connectionId), SORT_KEY, s(sortKey));
  }

  private static Map<String, AttributeValue> alertKey(AlertKey key) {
    return key(key.connectionId(), ALERT_PREFIX + ItemLayout.sortKey(key.userDay()));
  }

  private static AttributeValue bool(boolean value) {
    return AttributeValue.builder().bool(value).build();
  }
}
