package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.STATE_KEY;

import ccotel.aggregate.DayLimits;
import ccotel.aggregate.UsageCommit;
import ccotel.aggregate.UsageRefusedException;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.aggregate.WriteConflictException;
import ccotel.usage.UsageKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Counts a delivery that has cumulative series or adds to several user-days: one {@code
 * TransactWriteItems} holding its marker (only if absent), one {@code ADD} per user-day and one
 * compare-and-set per series, so it counts entirely, once, or not at all.
 */
final class TransactionalCounter {

  /** DynamoDB's limit on actions per transaction. */
  static final int MAX_TRANSACTION_ITEMS = 100;

  private final ItemLayout.Tables tables;
  private final PlainDayCounter heads;
  private final SeriesStateTable series;

  TransactionalCounter(ItemLayout.Tables tables, PlainDayCounter heads, SeriesStateTable series) {
    this.tables = tables;
    this.heads = heads;
    this.series = series;
  }

  /** False, writing nothing, if the delivery id has its marker already. */
  boolean commit(UsageCommit commit) throws WriteConflictException, UsageStoreUnavailableException {
    if (commit.writes() > MAX_TRANSACTION_ITEMS) {
      throw new IllegalArgumentException(
          "a commit writes at most " + MAX_TRANSACTION_ITEMS + " items, got " + commit.writes());
    }
    String connectionId = commit.connectionId();
    refuseBeyondLimits(connectionId, commit);
    List<TransactWriteItem> writes = new ArrayList<>(commit.writes());
    UsageShards shards = tables.shards().of(connectionId);
    // The marker comes first: its failed condition means "counted before".
    writes.add(
        TransactWriteItem.builder()
            .put(
                Put.builder()
                    .tableName(tables.state())
                    .item(
                        ItemLayout.marker(
                            connectionId, commit.deliveryId(), tables.markerExpiresAt()))
                    .conditionExpression("attribute_not_exists(" + STATE_KEY + ")")
                    .build())
            .build());
    commit
        .increments()
        .byKey()
        .forEach(
            (key, counters) -> {
              ItemLayout.CounterUpdate update = ItemLayout.CounterUpdate.of(key, counters);
              writes.add(
                  TransactWriteItem.builder()
                      .update(
                          Update.builder()
                              .tableName(tables.usage())
                              .key(ItemLayout.usageKey(connectionId, shards, key))
                              .updateExpression(update.setClause() + update.addClause())
                              .expressionAttributeNames(update.names())
                              .expressionAttributeValues(update.values())
                              .build())
                      .build());
            });
    commit
        .seriesChanges()
        .forEach((id, change) -> writes.add(series.put(connectionId, id, change)));
    try {
      tables.dynamoDb().transactWriteItems(b -> b.transactItems(writes));
      return true;
    } catch (TransactionCanceledException e) {
      return cancelled(e);
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
    Map<UsageKey, PlainDayCounter.Head> read =
        heads.readHeads(connectionId, new HashSet<>(commit.increments().byKey().keySet()));
    commit
        .increments()
        .byKey()
        .forEach(
            (key, counters) ->
                DayLimits.check(
                    key, read.getOrDefault(key, PlainDayCounter.Head.NONE).counters(), counters));
  }

  /** Why the transaction was cancelled decides what it means. */
  private static boolean cancelled(TransactionCanceledException e)
      throws WriteConflictException, UsageStoreUnavailableException {
    List<CancellationReason> reasons = e.cancellationReasons();
    if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
      return false; // the marker exists: counted before
    }
    for (CancellationReason reason : reasons) {
      String code = reason.code() == null ? "None" : reason.code();
      switch (code) {
        case "None" -> {}
        // A series changed since it was read, or another transaction held an item: read again.
        case "ConditionalCheckFailed", "TransactionConflict" ->
            throw new WriteConflictException("transaction cancelled: " + code);
        case "ValidationError" -> // e.g. an item past 400 KB: the same every time
            throw new UsageRefusedException(
                "DynamoDB refused the write: " + code + " " + reason.message(), e);
        default -> // throttling, or what a retry may cure
            throw new UsageStoreUnavailableException(
                "transaction cancelled: " + code + " " + reason.message(), e);
      }
    }
    throw new UsageStoreUnavailableException("transaction cancelled without a reason", e);
  }
}
