package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.SORT_KEY;
import static ccotel.dynamodb.ItemLayout.STATE_KEY;
import static ccotel.dynamodb.ItemLayout.n;
import static ccotel.dynamodb.ItemLayout.s;

import ccotel.aggregate.Backoff;
import ccotel.aggregate.DayDelivery;
import ccotel.aggregate.DayLimits;
import ccotel.aggregate.UsageStore;
import ccotel.aggregate.UsageStore.Counted;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.usage.Counter;
import ccotel.usage.UsageKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Counts deliveries that each add to one user-day exactly once with plain writes: one conditional
 * {@code UpdateItem} per user-day (shared by that day's deliveries of a batch), which also sets the
 * item's version and the ids it counted ({@code ver}, {@code lastDeliveries}), then one marker put
 * per delivery. An id is counted iff it has a marker or stands in its day's {@code lastDeliveries};
 * docs/decisions.md ("Plain writes for one user-day") says why that holds.
 */
final class PlainDayCounter {

  static final String VERSION = "ver";
  static final String LAST_DELIVERIES = "lastDeliveries";

  /**
   * Deliveries of one user-day per write: keeps the item small (a write is billed per KB of the
   * item). More wait for the next round.
   */
  static final int MOST_PER_WRITE = 8;

  private static final Duration MOST_WAITING = Duration.ofSeconds(8);

  private final DynamoDbClient dynamoDb;
  private final ItemLayout.Tables tables;

  PlainDayCounter(ItemLayout.Tables tables) {
    this.dynamoDb = tables.dynamoDb();
    this.tables = tables;
  }

  /**
   * The version, last delivery ids and counters (by name, their numbers as stored) of a user-day
   * item; version 0 if it has none (new, or written only by transactions).
   */
  record Head(long version, Set<String> lastDeliveries, Map<String, String> counters) {
    static final Head NONE = new Head(0, Set.of(), Map.of());
  }

  Map<String, Counted> count(String connectionId, List<DayDelivery> deliveries)
      throws UsageStoreUnavailableException {
    Map<String, Counted> counted = new HashMap<>();
    // Rounds of at most MOST_PER_WRITE deliveries and MAX_COUNTERS_PER_UPDATE counters per
    // user-day; a user-day's rounds go one after another, so its writes never race each other.
    // Usually one round.
    List<Map<UsageKey, List<DayDelivery>>> rounds = new ArrayList<>();
    Map<UsageKey, Set<Counter>> named = new HashMap<>(); // in the day's latest round
    Set<String> seen = new HashSet<>();
    for (DayDelivery delivery : deliveries) {
      if (!seen.add(delivery.deliveryId())) {
        continue; // the same delivery twice in one call: the copy adds nothing
      }
      UsageKey day = delivery.key();
      int round = 0;
      while (round < rounds.size() && rounds.get(round).containsKey(day)) {
        round++; // the day's latest round, if any, is round - 1
      }
      Set<Counter> union = new HashSet<>(named.getOrDefault(day, Set.of()));
      union.addAll(delivery.counters().keySet());
      if (round > 0
          && rounds.get(round - 1).get(day).size() < MOST_PER_WRITE
          && union.size() <= UsageStore.MAX_COUNTERS_PER_UPDATE) {
        round--; // it joins the day's latest round
      } else {
        union = new HashSet<>(delivery.counters().keySet());
      }
      named.put(day, union);
      if (round == rounds.size()) {
        rounds.add(new LinkedHashMap<>());
      }
      rounds.get(round).computeIfAbsent(day, k -> new ArrayList<>()).add(delivery);
    }
    // The rounds of one call wait at most this long in all (a Lambda run has 60 s); what is
    // still contended then is retried by SQS.
    long giveUpAt = System.nanoTime() + MOST_WAITING.toNanos();
    for (Map<UsageKey, List<DayDelivery>> round : rounds) {
      countRound(connectionId, round, counted, giveUpAt);
    }
    return counted;
  }

  private void countRound(
      String connectionId,
      Map<UsageKey, List<DayDelivery>> pending,
      Map<String, Counted> counted,
      long giveUpAt)
      throws UsageStoreUnavailableException {
    for (int attempt = 0;
        attempt < Backoff.ROUNDS
            && !pending.isEmpty()
            && (attempt == 0 || System.nanoTime() - giveUpAt < 0);
        attempt++) {
      if (!Backoff.beforeRound(attempt)) {
        throw new UsageStoreUnavailableException("interrupted while backing off", null);
      }
      Map<UsageKey, Head> heads = readHeads(connectionId, pending.keySet());
      Set<String> ids = new HashSet<>();
      pending.values().forEach(days -> days.forEach(d -> ids.add(d.deliveryId())));
      heads.values().forEach(head -> ids.addAll(head.lastDeliveries()));
      Set<String> marked = readMarkers(connectionId, ids);

      // The rule: every id a write is about to replace has a marker first.
      List<String> unmarked = new ArrayList<>();
      heads
          .values()
          .forEach(
              head ->
                  head.lastDeliveries().stream()
                      .filter(id -> !marked.contains(id))
                      .forEach(unmarked::add));
      writeMarkers(connectionId, unmarked);

      Map<UsageKey, List<DayDelivery>> conflicted = new LinkedHashMap<>();
      for (Map.Entry<UsageKey, List<DayDelivery>> day : pending.entrySet()) {
        Head head = heads.getOrDefault(day.getKey(), Head.NONE);
        List<DayDelivery> fresh = new ArrayList<>();
        for (DayDelivery delivery : day.getValue()) {
          String id = delivery.deliveryId();
          if (head.lastDeliveries().contains(id) || marked.contains(id)) {
            counted.put(id, Counted.BEFORE);
          } else {
            fresh.add(delivery);
          }
        }
        if (fresh.isEmpty()) {
          continue;
        }
        if (add(connectionId, day.getKey(), head, fresh)) {
          // Marked at once, before the next day's write can fail. Were this lost, the next writer
          // of the day adds them.
          List<String> written = fresh.stream().map(DayDelivery::deliveryId).toList();
          writeMarkers(connectionId, written);
          written.forEach(id -> counted.put(id, Counted.NOW));
        } else {
          conflicted.put(day.getKey(), day.getValue());
        }
      }
      pending = conflicted;
    }
    pending
        .values()
        .forEach(days -> days.forEach(d -> counted.put(d.deliveryId(), Counted.CONTENDED)));
  }

  /** Adds the deliveries' counters to the day, if its version is still the head's. */
  private boolean add(String connectionId, UsageKey key, Head head, List<DayDelivery> fresh) {
    SortedMap<Counter, Long> sum = new TreeMap<>();
    fresh.forEach(
        d -> d.counters().forEach((counter, amount) -> sum.merge(counter, amount, Math::addExact)));
    // Exact among plain writers: the write applies only if the item is still the version read.
    DayLimits.check(key, head.counters(), sum);
    ItemLayout.CounterUpdate update = ItemLayout.CounterUpdate.of(key, sum);
    Map<String, String> names = new HashMap<>(update.names());
    Map<String, AttributeValue> values = new HashMap<>(update.values());
    names.put("#ver", VERSION);
    names.put("#last", LAST_DELIVERIES);
    values.put(":next", n(head.version() + 1));
    values.put(
        ":last",
        AttributeValue.builder().ss(fresh.stream().map(DayDelivery::deliveryId).toList()).build());
    String condition;
    if (head.version() == 0) {
      condition = "attribute_not_exists(#ver)";
    } else {
      condition = "#ver = :seen";
      values.put(":seen", n(head.version()));
    }
    try {
      dynamoDb.updateItem(
          b ->
              b.tableName(tables.usage())
                  .key(ItemLayout.usageKey(connectionId, tables.shards().of(connectionId), key))
                  .updateExpression(
                      update.setClause() + ", #ver = :next, #last = :last" + update.addClause())
                  .conditionExpression(condition)
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false; // another writer of this day was first: read again
    }
  }

  /**
   * The heads of these user-days that exist. The whole item is read: DynamoDB bills a read by the
   * item's size whatever it returns, and the counters are what {@link DayLimits} checks.
   */
  Map<UsageKey, Head> readHeads(String connectionId, Set<UsageKey> days)
      throws UsageStoreUnavailableException {
    Map<String, UsageKey> bySortKey = new HashMap<>();
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    UsageShards shards = tables.shards().of(connectionId);
    for (UsageKey day : days) {
      bySortKey.put(ItemLayout.sortKey(day), day);
      keys.add(ItemLayout.usageKey(connectionId, shards, day));
    }
    Map<UsageKey, Head> heads = new HashMap<>();
    for (Map<String, AttributeValue> item :
        DynamoDbCalls.batchGet(dynamoDb, tables.usage(), keys)) {
      AttributeValue version = item.get(VERSION);
      AttributeValue last = item.get(LAST_DELIVERIES);
      heads.put(
          bySortKey.get(item.get(SORT_KEY).s()),
          new Head(
              version == null ? 0 : Long.parseLong(version.n()),
              last == null ? Set.of() : Set.copyOf(last.ss()),
              ItemLayout.storedCounters(item)));
    }
    return heads;
  }

  /** Which of these delivery ids have their marker. */
  private Set<String> readMarkers(String connectionId, Set<String> ids)
      throws UsageStoreUnavailableException {
    String prefix = ItemLayout.deliveryKeyPrefix(connectionId);
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    ids.forEach(id -> keys.add(Map.of(STATE_KEY, s(prefix + id))));
    Set<String> marked = new HashSet<>();
    for (Map<String, AttributeValue> item :
        DynamoDbCalls.batchGet(dynamoDb, tables.state(), keys)) {
      marked.add(item.get(STATE_KEY).s().substring(prefix.length()));
    }
    return marked;
  }

  /** Plain puts of markers (idempotent), 25 a call, until DynamoDB has processed them all. */
  private void writeMarkers(String connectionId, List<String> ids)
      throws UsageStoreUnavailableException {
    long expiresAt = tables.markerExpiresAt();
    List<WriteRequest> puts = new ArrayList<>();
    for (String id : ids) {
      Map<String, AttributeValue> marker = ItemLayout.marker(connectionId, id, expiresAt);
      puts.add(WriteRequest.builder().putRequest(b -> b.item(marker)).build());
    }
    DynamoDbCalls.batchWrite(dynamoDb, tables.state(), puts);
  }
}
