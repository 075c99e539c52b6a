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
    List<DeliveryPlanner.Part> parts =
        DeliveryPlanner.split(observations, store.maxWritesPerDelivery());
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
    TreeSet<SeriesId> series = new TreeSet<>();
    for (CumulativePoint point : part.cumulativePoints()) {
      series.add(point.series());
    }
    WriteConflictException lastConflict = null;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Map<SeriesId, SeriesState> stored =
          series.isEmpty() ? Map.of() : store.loadSeries(connectionId, series);
      CumulativeToDelta.Result cumulative =
          CumulativeToDelta.apply(part.cumulativePoints(), stored);
      UsageTally increments = new UsageTally();
      increments.addAll(part.deltas());
      increments.addAll(cumulative.increments());
      UsageDelivery delivery =
          new UsageDelivery(connectionId, deliveryId, increments, cumulative.changes());
      if (delivery.isEmpty()) {
        return false; // nothing to count (e.g. only stale points): no marker needed either
      }
      try {
        return store.apply(delivery);
      } catch (WriteConflictException e) {
        lastConflict = e;
      }
    }
    throw lastConflict;
  }
}
