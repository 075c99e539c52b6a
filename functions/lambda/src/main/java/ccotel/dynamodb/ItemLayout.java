package ccotel.dynamodb;

import ccotel.usage.Counter;
import ccotel.usage.SeriesId;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Where ccotel's usage lives in DynamoDB (docs/decisions.md, "Usage table layout"): a usage item
 * per connection, UTC day and user, sorted by day then user, a number attribute {@code c:<name>}
 * per counter; in the state table, markers {@code d#}, series state {@code s#} (both expiring
 * through {@code expiresAt}), identity links {@code l#} and rosters {@code r#} ({@link
 * DynamoDbRosterStore}).
 */
final class ItemLayout {

  static final String CONNECTION = "connectionId";
  static final String SORT_KEY = "sk";
  static final String STATE_KEY = "pk";
  static final String EXPIRES_AT = "expiresAt";
  static final String DAY = "day";
  static final String ACTOR_KIND = "actorKind";
  static final String ACTOR_ID = "actorId";
  static final String COUNTER_PREFIX = "c:";

  private ItemLayout() {}

  /** The client and tables every part of the usage store works on. */
  record Tables(
      DynamoDbClient dynamoDb, String usage, String state, Clock clock, Duration markerRetention) {

    /** When a marker written now expires: after the last time its request can be delivered. */
    long markerExpiresAt() {
      return clock.instant().plus(markerRetention).getEpochSecond();
    }
  }

  static Map<String, AttributeValue> usageKey(String connectionId, UsageKey key) {
    return Map.of(CONNECTION, s(connectionId), SORT_KEY, s(sortKey(key)));
  }

  /**
   * A Query of the user-days from {@code from} to {@code to} of a connection, in (day, user) order.
   * BETWEEN, not begins_with: DynamoDB Local runs begins_with as a scan of the whole partition. '#'
   * < '$': every sort key of day {@code to} sorts below "to$".
   */
  static QueryRequest.Builder days(
      String usageTable, String connectionId, LocalDate from, LocalDate to) {
    return QueryRequest.builder()
        .tableName(usageTable)
        .keyConditionExpression("#c = :c AND #sk BETWEEN :from AND :to")
        .expressionAttributeNames(Map.of("#c", CONNECTION, "#sk", SORT_KEY))
        .expressionAttributeValues(
            Map.of(":c", s(connectionId), ":from", s(from + "#"), ":to", s(to + "$")));
  }

  /** Day first, then the user's value, so items sort by date then actor. */
  static String sortKey(UsageKey key) {
    char kind =
        switch (key.user().kind()) {
          case EMAIL -> 'e';
          case ACCOUNT_UUID -> 'a';
          case USER_ID -> 'u';
        };
    return key.day() + "#" + key.user().value() + "#" + kind;
  }

  /** The marker of a counted delivery id, whichever way counted it. */
  static Map<String, AttributeValue> marker(
      String connectionId, String deliveryId, long expiresAt) {
    return Map.of(
        STATE_KEY, s(deliveryKeyPrefix(connectionId) + deliveryId), EXPIRES_AT, n(expiresAt));
  }

  static String deliveryKeyPrefix(String connectionId) {
    return "d#" + connectionId + "#";
  }

  static String seriesKey(String connectionId, SeriesId id) {
    return "s#" + connectionId + "#" + id.value();
  }

  static String linkKey(String connectionId, UserIdentity user) {
    return "l#"
        + connectionId
        + "#"
        + user.kind().name().toLowerCase(Locale.ROOT)
        + "#"
        + user.value();
  }

  /** The counters of a user-day item, by name, with their numbers as stored. */
  static Map<String, String> storedCounters(Map<String, AttributeValue> item) {
    Map<String, String> counters = new HashMap<>();
    item.forEach(
        (name, value) -> {
          if (name.startsWith(COUNTER_PREFIX)) {
            counters.put(name.substring(COUNTER_PREFIX.length()), value.n());
          }
        });
    return counters;
  }

  /**
   * What adds counters to a user-day item: {@code SET} its day and user (for the reader), {@code
   * ADD} each counter, so concurrent writers never read-modify-write.
   */
  record CounterUpdate(
      String setClause,
      String addClause,
      Map<String, String> names,
      Map<String, AttributeValue> values) {

    static CounterUpdate of(UsageKey key, Map<Counter, Long> counters) {
      Map<String, String> names = new HashMap<>();
      Map<String, AttributeValue> values = new HashMap<>();
      names.put("#day", DAY);
      names.put("#kind", ACTOR_KIND);
      names.put("#id", ACTOR_ID);
      values.put(":day", s(key.day().toString()));
      values.put(":kind", s(key.user().kind().name()));
      values.put(":id", s(key.user().value()));
      StringBuilder add = new StringBuilder();
      int i = 0;
      for (Map.Entry<Counter, Long> counter : counters.entrySet()) {
        names.put("#c" + i, COUNTER_PREFIX + counter.getKey().name());
        values.put(":c" + i, n(counter.getValue()));
        add.append(i == 0 ? " ADD " : ", ").append("#c").append(i).append(" :c").append(i);
        i++;
      }
      return new CounterUpdate(
          "SET #day = :day, #kind = :kind, #id = :id", add.toString(), names, values);
    }
  }

  static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  static AttributeValue n(long value) {
    return AttributeValue.builder().n(Long.toString(value)).build();
  }
}
