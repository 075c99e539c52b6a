package ccotel.aggregate;

import ccotel.ingest.QueuedExport;
import ccotel.otlp.MalformedOtlpException;
import ccotel.otlp.OtlpDecoder;
import ccotel.otlp.OtlpEncoding;
import ccotel.usage.ClaudeCodeUsageMapper;
import ccotel.usage.CumulativePoint;
import ccotel.usage.SeriesId;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageObservations;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Counts queued requests exactly once, whatever batches SQS makes and however often it delivers
 * them, concurrently with other aggregators. Each request is split, from its bytes alone, into
 * units with their own delivery ids (nearly always one: the request). A unit that adds to one
 * user-day and no cumulative series is counted with plain writes, a connection's units in one call;
 * any other by a transaction of its own. docs/decisions.md says why.
 */
public final class AggregationService {

  /** Links per container that need no write: Claude Code sends them on every point. */
  private static final int KNOWN_LINKS = 10_000;

  private final UsageStore store;
  private final DayChanges changes;
  private final Map<String, UserIdentity> knownLinks = RecentlyWritten.upTo(KNOWN_LINKS);

  /** An aggregator whose writes nobody caches. */
  public AggregationService(UsageStore store) {
    this(store, DayChanges.NONE);
  }

  /** An aggregator that tells {@code changes} which days each batch wrote to, after writing. */
  public AggregationService(UsageStore store, DayChanges changes) {
    this.store = store;
    this.changes = changes;
  }

  /**
   * What aggregating one request did, for the invocation's log line, and the user-days it added to
   * now or before (budget alerts check them).
   */
  public record Result(
      int partsApplied, int partsAlreadyApplied, long rejected, Set<UsageKey> userDays) {

    public Result {
      userDays = Set.copyOf(userDays);
    }
  }

  /** What became of one export of a batch: its result, or why it failed. */
  public record Outcome(Result result, Exception failure) {
    public boolean failed() {
      return failure != null;
    }
  }

  /**
   * One part of one export, counted under its own delivery id.
   *
   * @param plain whether the part, as sent (before identity linking), adds to one user-day and no
   *     series: then plain writes count it. Decided from the bytes alone, so every delivery of an
   *     id takes the same way whatever links were learnt in between.
   */
  private record Unit(
      int export,
      String connectionId,
      String deliveryId,
      DeliveryPlanner.Part part,
      boolean plain) {

    /** The UTC days the unit may add to: its deltas' and its cumulative points'. */
    Set<LocalDate> days() {
      Set<LocalDate> days = new TreeSet<>();
      userDays().forEach(key -> days.add(key.day()));
      return days;
    }

    /** The user-days it adds to, as counted (after identity linking). */
    Set<UsageKey> userDays() {
      Set<UsageKey> keys = new HashSet<>(part.deltas().byKey().keySet());
      part.cumulativePoints().forEach(point -> keys.add(point.key()));
      return keys;
    }

    DayDelivery dayDelivery() {
      var only = part.deltas().byKey().entrySet().iterator().next();
      return new DayDelivery(deliveryId, only.getKey(), only.getValue());
    }
  }

  /** What became of one unit. */
  private sealed interface Settled {}

  /** Its increments were added now. */
  private record Added() implements Settled {}

  /** Counted before (or nothing left to count): nothing added. */
  private record AlreadyCounted() implements Settled {}

  /** Nothing added; SQS retries its export. */
  private record Failed(Exception cause) implements Settled {}

  private static final Settled ADDED = new Added();
  private static final Settled ALREADY_COUNTED = new AlreadyCounted();

  /** Counts one request, a batch of one, and throws what failed it. */
  public Result aggregate(QueuedExport export) throws Exception {
    Outcome outcome = aggregateAll(List.of(export)).get(0);
    if (outcome.failed()) {
      throw outcome.failure();
    }
    return outcome.result();
  }

  /**
   * Counts a batch of queued exports. Returns one outcome per export, in order; never throws for
   * one export, and one export's failure fails no other.
   */
  public List<Outcome> aggregateAll(List<QueuedExport> exports) {
    Exception[] failures = new Exception[exports.size()];
    long[] rejected = new long[exports.size()];
    int[] copies = new int[exports.size()];
    List<Unit> units = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < exports.size(); i++) {
      QueuedExport export = exports.get(i);
      try {
        UsageObservations observed = observe(export);
        rejected[i] = observed.rejected();
        List<Unit> ofExport = plan(i, export, observed);
        // SQS may hand the same export twice in one batch: the copy counts nothing.
        if (seen.add(export.connectionId() + '\n' + export.deliveryId())) {
          units.addAll(ofExport);
        } else {
          copies[i] = ofExport.size();
        }
      } catch (MalformedOtlpException | UsageStoreUnavailableException | RuntimeException e) {
        failures[i] = e;
      }
    }

    Map<Unit, Settled> settled = new IdentityHashMap<>();
    Map<String, List<Unit>> plainByConnection = new LinkedHashMap<>();
    for (Unit unit : units) {
      if (unit.plain()) {
        plainByConnection.computeIfAbsent(unit.connectionId(), c -> new ArrayList<>()).add(unit);
      } else {
        settled.put(unit, commit(unit));
      }
    }
    plainByConnection.values().forEach(ofConnection -> settled.putAll(countPlain(ofConnection)));
    Map<String, Exception> unchanged = announceChanges(units);

    int[] added = new int[exports.size()];
    int[] before = new int[exports.size()];
    List<Set<UsageKey>> userDays = new ArrayList<>();
    exports.forEach(export -> userDays.add(new HashSet<>()));
    for (Unit unit : units) {
      userDays.get(unit.export()).addAll(unit.userDays());
      Settled outcome = settled.get(unit);
      Exception notAnnounced = unchanged.get(unit.connectionId());
      if (notAnnounced != null && !(outcome instanceof Failed)) {
        outcome = new Failed(notAnnounced);
      }
      if (outcome instanceof Failed failed) {
        failures[unit.export()] =
            failures[unit.export()] == null ? failed.cause() : failures[unit.export()];
        continue;
      } else if (outcome == ADDED) {
        added[unit.export()]++;
      } else {
        before[unit.export()]++;
      }
    }
    List<Outcome> outcomes = new ArrayList<>(exports.size());
    for (int i = 0; i < exports.size(); i++) {
      outcomes.add(
          failures[i] != null
              ? new Outcome(null, failures[i])
              : new Outcome(
                  new Result(added[i], before[i] + copies[i], rejected[i], userDays.get(i)), null));
    }
    return outcomes;
  }

  /**
   * Moves the change version of every (connection, day) any unit of the batch may have written to,
   * once each, after all the batch's writes: also for units counted before (a redelivery after a
   * crash between the writes and this) and for failed ones (a failure may follow some writes).
   *
   * @return the connections whose change failed, with why: their exports must be retried, or a
   *     reader could keep rows older than these writes
   */
  private Map<String, Exception> announceChanges(List<Unit> units) {
    Map<String, Set<LocalDate>> daysByConnection = new LinkedHashMap<>();
    for (Unit unit : units) {
      daysByConnection
          .computeIfAbsent(unit.connectionId(), c -> new TreeSet<>())
          .addAll(unit.days());
    }
    Map<String, Exception> failed = new HashMap<>();
    daysByConnection.forEach(
        (connectionId, days) -> {
          try {
            changes.changed(connectionId, days);
          } catch (UsageStoreUnavailableException | RuntimeException e) {
            failed.put(connectionId, e);
          }
        });
    return failed;
  }

  /**
   * The units of one export: split and way are chosen from the request as sent; identity links only
   * rename its users after that.
   */
  private List<Unit> plan(int index, QueuedExport export, UsageObservations observed)
      throws UsageStoreUnavailableException {
    Map<UserIdentity, UserIdentity> linked = linkIdentities(export.connectionId(), observed);
    if (observed.isEmpty()) {
      return List.of();
    }
    List<DeliveryPlanner.Part> parts =
        DeliveryPlanner.split(observed, store.maxWritesPerDelivery());
    List<Unit> units = new ArrayList<>(parts.size());
    for (int p = 0; p < parts.size(); p++) {
      String deliveryId =
          parts.size() == 1
              ? export.deliveryId()
              : export.deliveryId() + "#" + p + "/" + parts.size();
      DeliveryPlanner.Part part = parts.get(p);
      units.add(
          new Unit(
              index, export.connectionId(), deliveryId, part.withUsers(linked), part.onOneDay()));
    }
    return units;
  }

  /**
   * Counts one connection's plain units in one call. A write refused for good, or an unexpected
   * error, may be one unit's fault: each unit is then counted alone, so only that one fails and
   * ends in the dead-letter queue.
   */
  private Map<Unit, Settled> countPlain(List<Unit> units) {
    Map<Unit, Settled> settled = new IdentityHashMap<>();
    try {
      settled.putAll(countOnce(units));
    } catch (UsageStoreUnavailableException e) {
      units.forEach(unit -> settled.put(unit, new Failed(e)));
    } catch (RuntimeException e) {
      for (Unit unit : units) {
        try {
          settled.putAll(
              units.size() == 1 ? Map.of(unit, new Failed(e)) : countOnce(List.of(unit)));
        } catch (UsageStoreUnavailableException | RuntimeException alone) {
          settled.put(unit, new Failed(alone));
        }
      }
    }
    return settled;
  }

  private Map<Unit, Settled> countOnce(List<Unit> units) throws UsageStoreUnavailableException {
    Map<String, UsageStore.Counted> counted =
        store.countOnce(
            units.get(0).connectionId(), units.stream().map(Unit::dayDelivery).toList());
    Map<Unit, Settled> settled = new IdentityHashMap<>();
    for (Unit unit : units) {
      settled.put(
          unit,
          switch (counted.get(unit.deliveryId())) {
            case NOW -> ADDED;
            case BEFORE -> ALREADY_COUNTED;
            case CONTENDED ->
                new Failed(
                    new WriteConflictException(
                        "other aggregators keep writing the user-day of " + unit.deliveryId()));
          });
    }
    return settled;
  }

  /**
   * Counts one unit by a transaction: turns its cumulative points into increments against the
   * series' stored states and writes them with its marker, reading again when a series moved.
   */
  private Settled commit(Unit unit) {
    List<CumulativePoint> points = unit.part().cumulativePoints();
    Set<SeriesId> series = new TreeSet<>();
    points.forEach(point -> series.add(point.series()));
    try {
      for (int round = 0; round < Backoff.ROUNDS && Backoff.beforeRound(round); round++) {
        Map<SeriesId, SeriesState> stored =
            series.isEmpty() ? Map.of() : store.loadSeries(unit.connectionId(), series);
        CumulativeToDelta.Result cumulative = CumulativeToDelta.apply(points, stored);
        UsageTally increments = new UsageTally();
        increments.addAll(unit.part().deltas());
        increments.addAll(cumulative.increments());
        UsageCommit commit =
            new UsageCommit(
                unit.connectionId(), unit.deliveryId(), increments, cumulative.changes());
        if (commit.isEmpty()) {
          return ALREADY_COUNTED; // only points counted before: a redelivery finds the same
        }
        try {
          return store.commit(commit) ? ADDED : ALREADY_COUNTED;
        } catch (WriteConflictException e) {
          // another writer moved a series since we read it: read again
        }
      }
      return new Failed(
          new WriteConflictException("the series of " + unit.deliveryId() + " kept changing"));
    } catch (UsageStoreUnavailableException | RuntimeException e) {
      return new Failed(e);
    }
  }

  /**
   * Identity linking: account ids and user ids seen next to an e-mail are remembered, and data sent
   * later with only such an id is counted for the e-mail. Rows written before the link stay under
   * the id (see README, Guarantees).
   *
   * @return the e-mail each of the request's users without one is counted for, where known
   */
  private Map<UserIdentity, UserIdentity> linkIdentities(
      String connectionId, UsageObservations observations) throws UsageStoreUnavailableException {
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
      return Map.of();
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
    return resolved;
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
}
