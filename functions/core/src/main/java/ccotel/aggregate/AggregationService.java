package ccotel.aggregate;

import ccotel.ingest.QueuedExport;
import ccotel.otlp.MalformedOtlpException;
import ccotel.otlp.OtlpDecoder;
import ccotel.otlp.OtlpEncoding;
import ccotel.usage.ClaudeCodeUsageMapper;
import ccotel.usage.CumulativePoint;
import ccotel.usage.SeriesId;
import ccotel.usage.UsageObservations;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Counts one queued request exactly once: decode, map to usage, turn cumulative points into
 * increments against stored series state, and write each part of the result atomically with its
 * delivery marker. Safe to call again with the same request (redelivery, client retry) and
 * concurrently with other aggregators.
 */
public final class AggregationService {

  /** Conflicts need two aggregators on one series at once; a few retries settle them. */
  private static final int MAX_ATTEMPTS = 8;

  /** Links per container that need no write: Claude Code sends them on every point. */
  private static final int KNOWN_LINKS = 10_000;

  private final UsageStore store;
  private final Map<String, UserIdentity> knownLinks =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, UserIdentity> eldest) {
              return size() > KNOWN_LINKS;
            }
          });

  public AggregationService(UsageStore store) {
    this.store = store;
  }

  /** What aggregating one request did, for the invocation's log line. */
  public record Result(int partsApplied, int partsAlreadyApplied, long rejected) {}

  public Result aggregate(QueuedExport export)
      throws MalformedOtlpException, UsageStoreUnavailableException, WriteConflictException {
    UsageObservations observations = linkIdentities(export.connectionId(), observe(export));
    return aggregate(
        export, observations, DeliveryPlanner.split(observations, store.maxWritesPerDelivery()));
  }

  /** What became of one export of a batch: its result, or why it failed. */
  public record Outcome(Result result, Exception failure) {
    public boolean failed() {
      return failure != null;
    }
  }

  /**
   * Counts a batch of queued exports, each exactly once, with as few writes as it can: the exports
   * of one connection that each fit one transaction are merged into one, with one marker per export
   * and one update per user-day however many exports touch it. Each export keeps the delivery id it
   * has alone, so exactly-once holds whatever batches SQS makes. If the merged transaction finds an
   * export already counted (a redelivery), conflicts, or fails, every export falls back to a
   * transaction of its own. Returns one outcome per export, in order; never throws for one export.
   */
  public List<Outcome> aggregateAll(List<QueuedExport> exports) {
    Outcome[] outcomes = new Outcome[exports.size()];
    UsageObservations[] observed = new UsageObservations[exports.size()];
    Map<String, List<Integer>> mergeable = new java.util.LinkedHashMap<>();
    Set<String> grouped = new java.util.HashSet<>();
    for (int i = 0; i < exports.size(); i++) {
      QueuedExport export = exports.get(i);
      try {
        observed[i] = linkIdentities(export.connectionId(), observe(export));
      } catch (MalformedOtlpException | UsageStoreUnavailableException | RuntimeException e) {
        outcomes[i] = new Outcome(null, e);
        continue;
      }
      boolean fitsAlone =
          !observed[i].isEmpty()
              && DeliveryPlanner.split(observed[i], store.maxWritesPerDelivery()).size() == 1;
      // The same export twice in one batch goes alone the second time (and counts nothing).
      if (fitsAlone && grouped.add(export.connectionId() + '\n' + export.deliveryId())) {
        mergeable.computeIfAbsent(export.connectionId(), c -> new ArrayList<>()).add(i);
      }
    }
    for (List<Integer> group : mergeable.values()) {
      for (List<Integer> chunk : transactionSized(group, observed)) {
        if (chunk.size() > 1 && applyMerged(exports, observed, chunk)) {
          for (int i : chunk) {
            outcomes[i] = new Outcome(new Result(1, 0, observed[i].rejected()), null);
          }
        }
      }
    }
    for (int i = 0; i < exports.size(); i++) {
      if (outcomes[i] == null) {
        outcomes[i] = alone(exports.get(i), observed[i]);
      }
    }
    return List.of(outcomes);
  }

  /**
   * Consecutive runs of a connection's exports whose merged write fits one transaction: a marker
   * each, plus every distinct user-day and series among them.
   */
  private List<List<Integer>> transactionSized(List<Integer> group, UsageObservations[] observed) {
    List<List<Integer>> chunks = new ArrayList<>();
    List<Integer> chunk = new ArrayList<>();
    Set<Object> items = new java.util.HashSet<>();
    for (int i : group) {
      Set<Object> added = new java.util.HashSet<>(observed[i].deltas().byKey().keySet());
      for (CumulativePoint point : observed[i].cumulativePoints()) {
        added.add(point.key());
        added.add(point.series());
      }
      added.removeAll(items);
      if (!chunk.isEmpty()
          && chunk.size() + 1 + items.size() + added.size() > store.maxWritesPerDelivery()) {
        chunks.add(chunk);
        chunk = new ArrayList<>();
        items.clear();
        added = new java.util.HashSet<>(observed[i].deltas().byKey().keySet());
        for (CumulativePoint point : observed[i].cumulativePoints()) {
          added.add(point.key());
          added.add(point.series());
        }
      }
      chunk.add(i);
      items.addAll(added);
    }
    if (!chunk.isEmpty()) {
      chunks.add(chunk);
    }
    return chunks;
  }

  private Outcome alone(QueuedExport export, UsageObservations observations) {
    try {
      return new Outcome(
          aggregate(
              export,
              observations,
              DeliveryPlanner.split(observations, store.maxWritesPerDelivery())),
          null);
    } catch (UsageStoreUnavailableException | WriteConflictException | RuntimeException e) {
      return new Outcome(null, e);
    }
  }

  /** One transaction for the group; false if it could not be applied as one. */
  private boolean applyMerged(
      List<QueuedExport> exports, UsageObservations[] observed, List<Integer> group) {
    String connectionId = exports.get(group.get(0)).connectionId();
    UsageTally deltas = new UsageTally();
    List<CumulativePoint> points = new ArrayList<>();
    List<String> deliveryIds = new ArrayList<>();
    for (int i : group) {
      deltas.addAll(observed[i].deltas());
      points.addAll(observed[i].cumulativePoints());
      deliveryIds.add(exports.get(i).deliveryId());
    }
    try {
      return applyOnce(connectionId, deliveryIds, deltas, points) == Applied.YES;
    } catch (UsageStoreUnavailableException | WriteConflictException | RuntimeException e) {
      return false; // each export on its own says what is wrong with it
    }
  }

  private Result aggregate(
      QueuedExport export, UsageObservations observations, List<DeliveryPlanner.Part> parts)
      throws UsageStoreUnavailableException, WriteConflictException {
    int applied = 0;
    for (int i = 0; i < parts.size(); i++) {
      String deliveryId =
          parts.size() == 1
              ? export.deliveryId()
              : export.deliveryId() + "#" + i + "/" + parts.size();
      if (applyPart(export.connectionId(), deliveryId, parts.get(i))) {
        applied++;
      }
    }
    return new Result(applied, parts.size() - applied, observations.rejected());
  }

  /**
   * Identity linking: account ids and user ids seen next to an e-mail are remembered, and data sent
   * later with only such an id is counted for the e-mail. Rows written before the link stay under
   * the id (see README, Guarantees).
   */
  private UsageObservations linkIdentities(String connectionId, UsageObservations observations)
      throws UsageStoreUnavailableException {
    Map<UserIdentity, UserIdentity> fresh = new HashMap<>();
    observations
        .links()
        .forEach(
            (id, email) -> {
              if (!email.equals(knownLinks.get(linkKey(connectionId, id)))) {
                fresh.put(id, email);
              }
            });
    if (!fresh.isEmpty()) {
      store.saveLinks(connectionId, fresh);
      fresh.forEach((id, email) -> knownLinks.put(linkKey(connectionId, id), email));
    }
    Set<UserIdentity> withoutEmail = observations.usersWithoutEmail();
    if (withoutEmail.isEmpty()) {
      return observations;
    }
    Map<UserIdentity, UserIdentity> resolved = new HashMap<>();
    List<UserIdentity> unknown = new ArrayList<>();
    for (UserIdentity id : withoutEmail) {
      UserIdentity email = observations.links().get(id);
      if (email != null) {
        resolved.put(id, email);
      } else {
        unknown.add(id);
      }
    }
    if (!unknown.isEmpty()) {
      resolved.putAll(store.loadLinks(connectionId, unknown));
    }
    return resolved.isEmpty() ? observations : observations.withUsers(resolved);
  }

  private static String linkKey(String connectionId, UserIdentity id) {
    return connectionId + '\n' + id.kind() + '\n' + id.value();
  }

  private static UsageObservations observe(QueuedExport export) throws MalformedOtlpException {
    return switch (export.signal()) {
      case METRICS ->
          ClaudeCodeUsageMapper.map(
              OtlpDecoder.decodeMetrics(OtlpEncoding.PROTOBUF, export.protobufBody()),
              export.receivedAt());
      case LOGS ->
          ClaudeCodeUsageMapper.map(
              OtlpDecoder.decodeLogs(OtlpEncoding.PROTOBUF, export.protobufBody()),
              export.receivedAt());
    };
  }

  private boolean applyPart(String connectionId, String deliveryId, DeliveryPlanner.Part part)
      throws UsageStoreUnavailableException, WriteConflictException {
    return applyOnce(connectionId, List.of(deliveryId), part.deltas(), part.cumulativePoints())
        == Applied.YES;
  }

  private enum Applied {
    YES,
    BEFORE, // at least one delivery id was counted already: nothing written
    NOTHING_TO_COUNT, // only stale points: no marker needed either
    TOO_LARGE
  }

  /** Turns cumulative points into increments against fresh series state and writes it all. */
  private Applied applyOnce(
      String connectionId,
      List<String> deliveryIds,
      UsageTally deltas,
      List<CumulativePoint> points)
      throws UsageStoreUnavailableException, WriteConflictException {
    TreeSet<SeriesId> series = new TreeSet<>();
    for (CumulativePoint point : points) {
      series.add(point.series());
    }
    WriteConflictException lastConflict = null;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Map<SeriesId, SeriesState> stored =
          series.isEmpty() ? Map.of() : store.loadSeries(connectionId, series);
      CumulativeToDelta.Result cumulative = CumulativeToDelta.apply(points, stored);
      UsageTally increments = new UsageTally();
      increments.addAll(deltas);
      increments.addAll(cumulative.increments());
      UsageDelivery delivery =
          new UsageDelivery(connectionId, deliveryIds, increments, cumulative.changes());
      if (delivery.isEmpty()) {
        return Applied.NOTHING_TO_COUNT;
      }
      if (delivery.writes() > store.maxWritesPerDelivery()) {
        return Applied.TOO_LARGE; // only a merge can outgrow a transaction; parts never do
      }
      try {
        return store.apply(delivery) ? Applied.YES : Applied.BEFORE;
      } catch (WriteConflictException e) {
        lastConflict = e;
      }
    }
    throw lastConflict;
  }
}
