package ccotel.dynamodb;

import ccotel.aggregate.DayDelivery;
import ccotel.aggregate.DayLimits;
import ccotel.aggregate.SeriesChange;
import ccotel.aggregate.SeriesState;
import ccotel.aggregate.UsageCommit;
import ccotel.aggregate.UsageRefusedException;
import ccotel.aggregate.UsageStore;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.aggregate.WriteConflictException;
import ccotel.query.InvalidCursorException;
import ccotel.query.StoredUsage;
import ccotel.query.UsagePage;
import ccotel.query.UsageReader;
import ccotel.usage.Counter;
import ccotel.usage.SeriesId;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Usage counters and aggregation state in DynamoDB.
 *
 * <p>Usage table: one item per connection, UTC day and user; partition key {@code connectionId},
 * sort key {@code day#user#kind} so one Query reads a day range in (day, user) order. Each counter
 * is a number attribute {@code c:<counter name>}, incremented with {@code ADD}, so concurrent
 * writers never read-modify-write.
 *
 * <p>State table: one record per delivery id ({@code d#connection#delivery}: a marker, or a claim
 * naming its commit and when it was claimed), commit records ({@code t#connection#commit}:
 * committed or abandoned), cumulative series state ({@code s#connection#series}), all expiring
 * through the TTL attribute {@code expiresAt} (commit records a day after the claims that name
 * them, series state after {@link #SERIES_RETENTION}), and identity links ({@code
 * l#connection#kind#id} → e-mail), which do not expire.
 *
 * <p>One commit is one {@code TransactWriteItems}: its commit record or its markers (only if
 * absent), every user-day update and every series compare-and-set, so it counts entirely, once, or
 * not at all. Claims are plain conditional puts: a transactional item costs twice a plain one.
 *
 * <p>What adds to one user-day and no series is counted without a transaction ({@link
 * PlainDayCounter}): the user-day item then also holds a version and the ids its last such write
 * counted.
 */
public final class DynamoDbUsageStore implements UsageStore, UsageReader {

  /** DynamoDB's limit on actions per transaction. */
  static final int MAX_TRANSACTION_ITEMS = 100;

  static final String CONNECTION = "connectionId";
  static final String SORT_KEY = "sk";
  static final String STATE_KEY = "pk";
  static final String EXPIRES_AT = "expiresAt";
  private static final String DAY = "day";
  private static final String ACTOR_KIND = "actorKind";
  private static final String ACTOR_ID = "actorId";
  private static final String LAST_TIME = "lastTime";
  private static final String LAST_VALUE = "lastValue";
  private static final String COUNTER_PREFIX = "c:";
  private static final String LINKED_EMAIL = "email";
  static final String COMMIT = "commit";
  private static final String CLAIMED_AT = "claimedAt";
  private static final String STATE = "state";
  private static final String COMMITTED = "committed";
  private static final String ABANDONED = "abandoned";

  /** Commit records outlive the claims that name them, so a claim never outlives its answer. */
  private static final Duration COMMIT_RECORD_MARGIN = Duration.ofDays(1);

  /**
   * How long a cumulative series' state outlives its last write. A series' next point is counted
   * against it; without it the point's whole running total would count again. A Claude Code process
   * (which owns its series, by session.id and start time) that sleeps longer than this, a laptop
   * closed for over a year, is the one case left.
   */
  static final Duration SERIES_RETENTION = Duration.ofDays(400);

  /** Rounds of claim, look, take over, before calling an id contended. */
  private static final int CLAIM_ROUNDS = 4;

  private static final int DAY_LENGTH = "YYYY-MM-DD".length();

  private static final Pattern SORT_KEY_FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}#.+#[eau]");

  private final DynamoDbClient dynamoDb;
  private final String usageTable;
  private final String stateTable;
  private final Clock clock;
  private final Duration stateRetention;
  private final PlainDayCounter plainDayCounter;

  public DynamoDbUsageStore(
      DynamoDbClient dynamoDb,
      String usageTable,
      String stateTable,
      Clock clock,
      Duration stateRetention) {
    this.dynamoDb = dynamoDb;
    this.usageTable = usageTable;
    this.stateTable = stateTable;
    this.clock = clock;
    this.stateRetention = stateRetention;
    this.plainDayCounter =
        new PlainDayCounter(dynamoDb, usageTable, stateTable, clock, stateRetention);
  }

  @Override
  public int maxWritesPerDelivery() {
    return MAX_TRANSACTION_ITEMS;
  }

  @Override
  public Map<SeriesId, SeriesState> loadSeries(String connectionId, Collection<SeriesId> series)
      throws UsageStoreUnavailableException {
    Map<SeriesId, SeriesState> found = new HashMap<>();
    List<SeriesId> ids = new ArrayList<>(series);
    // BatchGetItem takes 100 keys; consistent reads, because a series may have just been written.
    for (int from = 0; from < ids.size(); from += 100) {
      Map<String, SeriesId> byKey = new HashMap<>();
      List<Map<String, AttributeValue>> keys = new ArrayList<>();
      for (SeriesId id : ids.subList(from, Math.min(ids.size(), from + 100))) {
        String key = seriesKey(connectionId, id);
        byKey.put(key, id);
        keys.add(Map.of(STATE_KEY, s(key)));
      }
      Map<String, KeysAndAttributes> request =
          Map.of(stateTable, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
      try {
        while (!request.isEmpty()) {
          BatchGetItemResponse response =
              dynamoDb.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
          for (Map<String, AttributeValue> item :
              response.responses().getOrDefault(stateTable, List.of())) {
            found.put(
                byKey.get(item.get(STATE_KEY).s()),
                new SeriesState(
                    Long.parseLong(item.get(LAST_TIME).n()),
                    Long.parseLong(item.get(LAST_VALUE).n())));
          }
          request = response.unprocessedKeys();
        }
      } catch (SdkException e) {
        throw failure("reading series state", e);
      }
    }
    return found;
  }

  @Override
  public Map<String, Claim> claim(
      String connectionId, String commitId, Collection<String> deliveryIds)
      throws UsageStoreUnavailableException {
    Map<String, Claim> claims = new HashMap<>();
    try {
      for (String deliveryId : deliveryIds) {
        claims.put(deliveryId, claimOne(connectionId, commitId, deliveryId));
      }
    } catch (SdkException e) {
      throw failure("claiming deliveries", e);
    }
    return claims;
  }

  private Claim claimOne(String connectionId, String commitId, String deliveryId) {
    String key = deliveryKey(connectionId, deliveryId);
    long now = clock.millis();
    Map<String, AttributeValue> claim =
        Map.of(
            STATE_KEY, s(key),
            COMMIT, s(commitId),
            CLAIMED_AT, n(now),
            EXPIRES_AT, n(clock.instant().plus(stateRetention).getEpochSecond()));
    Map<String, AttributeValue> existing = put(claim, "attribute_not_exists(#k)", Map.of());
    for (int round = 0; existing != null && round < CLAIM_ROUNDS; round++) {
      if (existing.isEmpty()) { // a record went away between our write and our read: try again
        existing = put(claim, "attribute_not_exists(#k)", Map.of());
        continue;
      }
      AttributeValue other = existing.get(COMMIT);
      if (other == null) {
        return Claim.COUNTED; // a marker
      }
      if (other.s().equals(commitId)) {
        return Claim.CLAIMED;
      }
      String state = commitState(connectionId, other.s());
      if (state == null) {
        if (Long.parseLong(existing.get(CLAIMED_AT).n()) + CLAIM_LEASE.toMillis() > now) {
          return Claim.CLAIMED_ELSEWHERE;
        }
        put(commitRecord(connectionId, other.s(), ABANDONED), "attribute_not_exists(#k)", Map.of());
        state = commitState(connectionId, other.s());
      }
      if (COMMITTED.equals(state)) {
        return Claim.COUNTED;
      }
      // Its commit is abandoned and can never be written: take the id over, unless it moved.
      existing = put(claim, "#c = :c", Map.of(":c", other));
    }
    return existing == null ? Claim.CLAIMED : Claim.CLAIMED_ELSEWHERE;
  }

  /**
   * A conditional put into the state table: null if written, else the item that failed the
   * condition (empty if it no longer exists).
   */
  private Map<String, AttributeValue> put(
      Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
    try {
      dynamoDb.putItem(
          PutItemRequest.builder()
              .tableName(stateTable)
              .item(item)
              .conditionExpression(condition)
              .expressionAttributeNames(
                  condition.contains("#c") ? Map.of("#c", COMMIT) : Map.of("#k", STATE_KEY))
              .expressionAttributeValues(values.isEmpty() ? null : values)
              .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
              .build());
      return null;
    } catch (ConditionalCheckFailedException e) {
      if (e.hasItem() && !e.item().isEmpty()) {
        return e.item();
      }
      Map<String, AttributeValue> current =
          dynamoDb
              .getItem(
                  b ->
                      b.tableName(stateTable)
                          .key(Map.of(STATE_KEY, item.get(STATE_KEY)))
                          .consistentRead(true))
              .item();
      return current == null ? Map.of() : current;
    }
  }

  /** {@code committed}, {@code abandoned}, or null if neither (yet). */
  private String commitState(String connectionId, String commitId) {
    Map<String, AttributeValue> record =
        dynamoDb
            .getItem(
                b ->
                    b.tableName(stateTable)
                        .key(Map.of(STATE_KEY, s(commitKey(connectionId, commitId))))
                        .consistentRead(true))
            .item();
    return record == null || !record.containsKey(STATE) ? null : record.get(STATE).s();
  }

  @Override
  public void abandon(String connectionId, String commitId) throws UsageStoreUnavailableException {
    try {
      put(commitRecord(connectionId, commitId, ABANDONED), "attribute_not_exists(#k)", Map.of());
    } catch (SdkException e) {
      throw failure("abandoning a commit", e);
    }
  }

  private Map<String, AttributeValue> commitRecord(
      String connectionId, String commitId, String state) {
    return Map.of(
        STATE_KEY, s(commitKey(connectionId, commitId)),
        STATE, s(state),
        EXPIRES_AT,
            n(clock.instant().plus(stateRetention).plus(COMMIT_RECORD_MARGIN).getEpochSecond()));
  }

  /**
   * The one record of a delivery id (a marker or a claim), which plain counting and commits both
   * read, so each sees what the other counted.
   */
  static String deliveryKey(String connectionId, String deliveryId) {
    return deliveryKeyPrefix(connectionId) + deliveryId;
  }

  static String deliveryKeyPrefix(String connectionId) {
    return "d#" + connectionId + "#";
  }

  private static String commitKey(String connectionId, String commitId) {
    return "t#" + connectionId + "#" + commitId;
  }

  @Override
  public boolean commit(UsageCommit commit)
      throws WriteConflictException, UsageStoreUnavailableException {
    if (commit.writes() > MAX_TRANSACTION_ITEMS) {
      throw new IllegalArgumentException(
          "a commit writes at most " + MAX_TRANSACTION_ITEMS + " items, got " + commit.writes());
    }
    String connectionId = commit.connectionId();
    long expiresAt = clock.instant().plus(stateRetention).getEpochSecond();
    List<TransactWriteItem> writes = new ArrayList<>(commit.writes());
    if (commit.commitId() != null) {
      Map<String, AttributeValue> record = commitRecord(connectionId, commit.commitId(), COMMITTED);
      if (commit.isEmpty()) { // nothing to count: the record alone, as a plain write
        try {
          return put(record, "attribute_not_exists(#k)", Map.of()) == null;
        } catch (SdkException e) {
          throw failure("writing a commit record", e);
        }
      }
      writes.add(absentPut(record));
    }
    refuseBeyondLimits(connectionId, commit);
    for (String deliveryId : commit.markers()) {
      writes.add(
          absentPut(
              Map.of(
                  STATE_KEY, s(deliveryKey(connectionId, deliveryId)),
                  EXPIRES_AT, n(expiresAt))));
    }
    commit
        .increments()
        .byKey()
        .forEach((key, counters) -> writes.add(usageUpdate(connectionId, key, counters)));
    commit
        .seriesChanges()
        .forEach(
            (id, change) ->
                writes.add(
                    seriesPut(
                        connectionId,
                        id,
                        change,
                        clock.instant().plus(SERIES_RETENTION).getEpochSecond())));
    try {
      dynamoDb.transactWriteItems(
          TransactWriteItemsRequest.builder().transactItems(writes).build());
      return true;
    } catch (TransactionCanceledException e) {
      return cancelled(e, commit.commitId() != null ? 1 : commit.markers().size());
    } catch (SdkException e) {
      throw failure("writing usage", e);
    }
  }

  /**
   * Refuses a commit that would take a user-day past {@link DayLimits}, checked against the items
   * as read now (consistently). Transactions do not hold a user-day's version, so writers racing on
   * one user-day may together pass a limit by what they add at once: at most a few of 10^15 beyond
   * 10^18, a few hundred counters beyond 512, both far from a long's and an item's limits.
   */
  private void refuseBeyondLimits(String connectionId, UsageCommit commit)
      throws UsageStoreUnavailableException {
    Map<UsageKey, PlainDayCounter.Head> heads;
    try {
      heads =
          plainDayCounter.readHeads(
              connectionId, new java.util.HashSet<>(commit.increments().byKey().keySet()));
    } catch (SdkException e) {
      throw failure("reading usage", e);
    }
    commit
        .increments()
        .byKey()
        .forEach(
            (key, counters) -> {
              String problem =
                  DayLimits.problem(
                      heads.getOrDefault(key, PlainDayCounter.Head.NONE).counters(), counters);
              if (problem != null) {
                throw new UsageRefusedException(
                    "a user-day of " + key.day() + " refused: " + problem);
              }
            });
  }

  /** A transactional put of an item that must not exist yet. */
  private TransactWriteItem absentPut(Map<String, AttributeValue> item) {
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(stateTable)
                .item(item)
                .conditionExpression("attribute_not_exists(" + STATE_KEY + ")")
                .build())
        .build();
  }

  /**
   * Why a transaction was cancelled decides what it means. The commit record or the markers come
   * first: their failed condition means "abandoned", or "claimed or counted before".
   */
  private static boolean cancelled(TransactionCanceledException e, int guards)
      throws WriteConflictException, UsageStoreUnavailableException {
    List<CancellationReason> reasons = e.cancellationReasons();
    for (int i = 0; i < Math.min(guards, reasons.size()); i++) {
      if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
        return false;
      }
    }
    for (CancellationReason reason : reasons) {
      String code = reason.code() == null ? "None" : reason.code();
      switch (code) {
        case "None" -> {}
        case "ConditionalCheckFailed" ->
            throw new WriteConflictException("a series changed since it was read");
        case "TransactionConflict" ->
            throw new WriteConflictException("a concurrent transaction holds an item");
        case "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded" ->
            throw new UsageStoreUnavailableException("DynamoDB throttled the write: " + code, e);
        case "ValidationError" -> // e.g. an item past 400 KB: the same every time
            throw new UsageRefusedException(
                "DynamoDB refused the write: " + code + " " + reason.message(), e);
        default ->
            throw new IllegalStateException(
                "transaction cancelled: " + code + " " + reason.message(), e);
      }
    }
    throw new UsageStoreUnavailableException("transaction cancelled without a reason", e);
  }

  private TransactWriteItem usageUpdate(
      String connectionId, UsageKey key, SortedMap<Counter, Long> counters) {
    CounterUpdate update = CounterUpdate.of(key, counters);
    return TransactWriteItem.builder()
        .update(
            Update.builder()
                .tableName(usageTable)
                .key(usageKey(connectionId, key))
                .updateExpression(update.setClause() + update.addClause())
                .expressionAttributeNames(update.names())
                .expressionAttributeValues(update.values())
                .build())
        .build();
  }

  static Map<String, AttributeValue> usageKey(String connectionId, UsageKey key) {
    return Map.of(CONNECTION, s(connectionId), SORT_KEY, s(sortKey(key)));
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

  private TransactWriteItem seriesPut(
      String connectionId, SeriesId id, SeriesChange change, long expiresAt) {
    Put.Builder put =
        Put.builder()
            .tableName(stateTable)
            .item(
                Map.of(
                    STATE_KEY, s(seriesKey(connectionId, id)),
                    LAST_TIME, n(change.next().lastTimeUnixNano()),
                    LAST_VALUE, n(change.next().lastValue()),
                    EXPIRES_AT, n(expiresAt)));
    if (change.expected() == null) {
      put.conditionExpression("attribute_not_exists(" + STATE_KEY + ")");
    } else {
      put.conditionExpression("#t = :t AND #v = :v")
          .expressionAttributeNames(Map.of("#t", LAST_TIME, "#v", LAST_VALUE))
          .expressionAttributeValues(
              Map.of(
                  ":t", n(change.expected().lastTimeUnixNano()),
                  ":v", n(change.expected().lastValue())));
    }
    return TransactWriteItem.builder().put(put.build()).build();
  }

  @Override
  public Map<String, Counted> countOnce(String connectionId, List<DayDelivery> deliveries)
      throws UsageStoreUnavailableException {
    try {
      return plainDayCounter.count(connectionId, deliveries);
    } catch (SdkException e) {
      throw failure("counting usage", e);
    }
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
                QueryRequest.builder()
                    .tableName(usageTable)
                    .keyConditionExpression("#c = :c AND #sk BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#c", CONNECTION, "#sk", SORT_KEY))
                    .expressionAttributeValues(
                        Map.of(
                            ":c", s(connectionId),
                            // '#' < '$': every sort key of day `to` sorts below "to$".
                            ":from", s(from + "#"),
                            ":to", s(to + "$")))
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
      if (isServiceFailure(e)) {
        throw failure("reading usage", e);
      }
      // A request DynamoDB refuses as such is a bug of ours: no retry can make it succeed.
      throw new IllegalStateException("DynamoDB refused reading usage: " + e.getMessage(), e);
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
    storedCounters(item)
        .forEach((name, value) -> Counter.parse(name).ifPresent(c -> counters.put(c, value)));
    return StoredUsage.parse(key, counters);
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
   * Whether DynamoDB refused a write as invalid (an item past 400 KB, an expression too long): it
   * refuses the same write the same way every time, so that is a permanent refusal, not an outage.
   */
  static boolean isInvalid(DynamoDbException e) {
    return e.awsErrorDetails() != null
        && "ValidationException".equals(e.awsErrorDetails().errorCode());
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

  @Override
  public Map<UserIdentity, UserIdentity> loadLinks(
      String connectionId, Collection<UserIdentity> users) throws UsageStoreUnavailableException {
    Map<UserIdentity, UserIdentity> found = new HashMap<>();
    try {
      // Usually one id (Claude Code sends one account per process): GetItem is enough.
      for (UserIdentity user : users) {
        Map<String, AttributeValue> item =
            dynamoDb
                .getItem(
                    b ->
                        b.tableName(stateTable)
                            .key(Map.of(STATE_KEY, s(linkKey(connectionId, user))))
                            .consistentRead(true))
                .item();
        if (item != null && item.containsKey(LINKED_EMAIL)) {
          found.put(user, UserIdentity.email(item.get(LINKED_EMAIL).s()));
        }
      }
    } catch (SdkException e) {
      throw failure("reading identity links", e);
    }
    return found;
  }

  @Override
  public void saveLinks(String connectionId, Map<UserIdentity, UserIdentity> links)
      throws UsageStoreUnavailableException {
    try {
      for (Map.Entry<UserIdentity, UserIdentity> link : links.entrySet()) {
        dynamoDb.putItem(
            b ->
                b.tableName(stateTable)
                    .item(
                        Map.of(
                            STATE_KEY,
                            s(linkKey(connectionId, link.getKey())),
                            LINKED_EMAIL,
                            s(link.getValue().value()))));
      }
    } catch (SdkException e) {
      throw failure("writing identity links", e);
    }
  }

  /** Links never expire: an account keeps its e-mail until it is seen with another. */
  private static String linkKey(String connectionId, UserIdentity user) {
    return "l#"
        + connectionId
        + "#"
        + user.kind().name().toLowerCase(java.util.Locale.ROOT)
        + "#"
        + user.value();
  }

  private static String seriesKey(String connectionId, SeriesId id) {
    return "s#" + connectionId + "#" + id.value();
  }

  /**
   * A failed call as the aggregator must take it. A request DynamoDB refuses as such (a
   * ValidationException: an item past 400 KB, an expression too long) is refused the same way on
   * every retry: thrown here as a refusal, so that only the export at fault fails and the rest of
   * its batch counts. Throttling (after the SDK's own retries with backoff), DynamoDB's faults and
   * the network are worth a retry: returned, for the caller to throw, and SQS retries the message.
   */
  private static UsageStoreUnavailableException failure(String what, SdkException e) {
    if (!isServiceFailure(e)) {
      throw new UsageRefusedException("DynamoDB refused " + what + ": " + e.getMessage(), e);
    }
    return new UsageStoreUnavailableException(what + ": " + e.getMessage(), e);
  }

  /**
   * Whether a call failed for a reason a later retry can cure: throttling, a DynamoDB fault or the
   * network. DynamoDB's other 4xx answers (a ValidationException, say) fail again on every retry.
   */
  static boolean isServiceFailure(SdkException e) {
    if (!(e instanceof AwsServiceException service)) {
      return true; // no answer from DynamoDB: a timeout or a connection failure
    }
    // A write that met another's transaction on its item: the next try finds it done.
    return service.isThrottlingException()
        || service.statusCode() >= 500
        || e instanceof TransactionConflictException;
  }

  static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  static AttributeValue n(long value) {
    return AttributeValue.builder().n(Long.toString(value)).build();
  }
}
