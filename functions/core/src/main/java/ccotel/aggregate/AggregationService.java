package ccotel.aggregate;

import ccotel.ingest.QueuedExport;
import ccotel.otlp.MalformedOtlpException;
import ccotel.otlp.OtlpDecoder;
import ccotel.otlp.OtlpEncoding;
import ccotel.usage.ClaudeCodeUsageMapper;
import ccotel.usage.Counter;
import ccotel.usage.CumulativePoint;
import ccotel.usage.SeriesId;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageObservations;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Counts queued requests exactly once: decode, map to usage, turn cumulative points into increments
 * against stored series state, and write the result atomically with what marks it counted. Safe to
 * call again with the same requests (redelivery, client retry) and concurrently with other
 * aggregators.
 *
 * <p>A batch is written with as few item writes as exactly-once allows. An export (or part of one)
 * that adds to a single user-day and has no cumulative series, which is nearly every Claude Code
 * export, is counted with plain writes ({@link UsageStore#countOnce}), the exports of one user-day
 * sharing one. The rest of one connection is merged into one commit per transaction-sized chunk,
 * with one update per user-day however many exports touch it. Each export (or part) keeps its own
 * delivery id: a chunk of one or two writes a marker per id inside its transaction; a larger chunk
 * first claims its ids with plain writes and then writes one commit record in the transaction
 * instead (see {@link UsageStore}), because a transactional item costs DynamoDB twice a plain one.
 */
public final class AggregationService {

  /** Up to this many exports per chunk, markers in the transaction cost no more than claims. */
  private static final int MOST_MARKED = 2;

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

  /** What became of one export of a batch: its result, or why it failed. */
  public record Outcome(Result result, Exception failure) {
    public boolean failed() {
      return failure != null;
    }
  }

  /** Counts one request: a batch of one. */
  public Result aggregate(QueuedExport export)
      throws MalformedOtlpException, UsageStoreUnavailableException, WriteConflictException {
    Outcome outcome = aggregateAll(List.of(export)).get(0);
    if (!outcome.failed()) {
      return outcome.result();
    }
    Exception failure = outcome.failure();
    if (failure instanceof MalformedOtlpException e) {
      throw e;
    } else if (failure instanceof UsageStoreUnavailableException e) {
      throw e;
    } else if (failure instanceof WriteConflictException e) {
      throw e;
    } else if (failure instanceof RuntimeException e) {
      throw e;
    }
    throw new IllegalStateException(failure);
  }

  /** One part of one export: what is counted under one delivery id. */
  private static final class Unit {
    final int export;
    final String deliveryId;
    final DeliveryPlanner.Part part;
    final boolean plain;
    boolean applied;
    boolean countedBefore;
    Exception failure;

    /**
     * @param plain whether the part, as sent (before identity linking), adds to one user-day and no
     *     series: then plain writes count it. Decided from the bytes alone, so every delivery of an
     *     id takes the same way whatever links were learnt in between.
     */
    Unit(int export, String deliveryId, DeliveryPlanner.Part part, boolean plain) {
      this.export = export;
      this.deliveryId = deliveryId;
      this.part = part;
      this.plain = plain;
    }

    boolean settled() {
      return applied || countedBefore || failure != null;
    }

    DayDelivery dayDelivery() {
      var only = part.deltas().byKey().entrySet().iterator().next();
      return new DayDelivery(deliveryId, only.getKey(), only.getValue());
    }
  }

  /**
   * Counts units that each add to one user-day with the store's plain writes, and returns those
   * that a claim sends to the commit way instead. As with commits, an unexpected error retries each
   * unit alone, so that only the unit at fault fails.
   */
  private List<Unit> countOnce(String connectionId, List<Unit> units) {
    Map<String, UsageStore.Counted> counted;
    try {
      counted = store.countOnce(connectionId, units.stream().map(Unit::dayDelivery).toList());
    } catch (UsageStoreUnavailableException | RuntimeException e) {
      if (e instanceof RuntimeException && units.size() > 1) {
        List<Unit> claimed = new ArrayList<>();
        units.forEach(unit -> claimed.addAll(countOnce(connectionId, List.of(unit))));
        return claimed;
      }
      units.forEach(unit -> unit.failure = e);
      return List.of();
    }
    List<Unit> claimed = new ArrayList<>();
    for (Unit unit : units) {
      switch (counted.get(unit.deliveryId)) {
        case NOW -> unit.applied = true;
        case BEFORE -> unit.countedBefore = true;
        case CLAIMED -> claimed.add(unit);
        case CONTENDED ->
            unit.failure =
                new WriteConflictException(
                    "other aggregators keep writing the user-day of " + unit.deliveryId);
      }
    }
    return claimed;
  }

  /**
   * Counts a batch of queued exports, each exactly once whatever batches SQS makes, merging the
   * exports of each connection. Returns one outcome per export, in order; never throws for one
   * export, and one export's failure fails no other.
   */
  public List<Outcome> aggregateAll(List<QueuedExport> exports) {
    int count = exports.size();
    Exception[] failures = new Exception[count];
    long[] rejected = new long[count];
    int[] copies = new int[count];
    List<Unit> units = new ArrayList<>();
    Map<String, List<Unit>> byConnection = new java.util.LinkedHashMap<>();
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < count; i++) {
      QueuedExport export = exports.get(i);
      UsageObservations observed;
      Map<UserIdentity, UserIdentity> linked;
      try {
        observed = observe(export);
        linked = linkIdentities(export.connectionId(), observed);
      } catch (MalformedOtlpException | UsageStoreUnavailableException | RuntimeException e) {
        failures[i] = e;
        continue;
      }
      rejected[i] = observed.rejected();
      // Split and way are chosen from the request as sent; links only rename its users after.
      List<DeliveryPlanner.Part> parts =
          observed.isEmpty()
              ? List.of()
              : DeliveryPlanner.split(observed, store.maxWritesPerDelivery());
      // SQS may hand the same export twice in one batch: the copy counts nothing.
      if (!seen.add(export.connectionId() + '\n' + export.deliveryId())) {
        copies[i] = parts.size();
        continue;
      }
      for (int p = 0; p < parts.size(); p++) {
        String deliveryId =
            parts.size() == 1
                ? export.deliveryId()
                : export.deliveryId() + "#" + p + "/" + parts.size();
        DeliveryPlanner.Part part = parts.get(p);
        Unit unit = new Unit(i, deliveryId, part.withUsers(linked), part.onOneDay());
        units.add(unit);
        byConnection.computeIfAbsent(export.connectionId(), c -> new ArrayList<>()).add(unit);
      }
    }
    byConnection.forEach(
        (connectionId, ofConnection) -> {
          List<Unit> onOneDay = new ArrayList<>();
          List<Unit> viaCommits = new ArrayList<>();
          for (Unit unit : ofConnection) {
            (unit.plain ? onOneDay : viaCommits).add(unit);
          }
          if (!onOneDay.isEmpty()) {
            viaCommits.addAll(countOnce(connectionId, onOneDay));
          }
          for (List<Unit> chunk : transactionSized(viaCommits)) {
            commitChunk(connectionId, chunk);
          }
        });
    int[] applied = new int[count];
    int[] before = new int[count];
    for (Unit unit : units) {
      if (unit.failure != null) {
        failures[unit.export] =
            failures[unit.export] == null ? unit.failure : failures[unit.export];
      } else if (unit.applied) {
        applied[unit.export]++;
      } else {
        before[unit.export]++;
      }
    }
    List<Outcome> outcomes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      outcomes.add(
          failures[i] != null
              ? new Outcome(null, failures[i])
              : new Outcome(new Result(applied[i], before[i] + copies[i], rejected[i]), null));
    }
    return outcomes;
  }

  /**
   * Consecutive runs of units whose merged write fits one transaction with its commit record, and
   * names at most {@link UsageStore#MAX_COUNTERS_PER_UPDATE} counters in any user-day's update.
   */
  private List<List<Unit>> transactionSized(List<Unit> units) {
    List<List<Unit>> chunks = new ArrayList<>();
    List<Unit> chunk = new ArrayList<>();
    Set<Object> items = new java.util.HashSet<>();
    Map<UsageKey, Set<Counter>> named = new HashMap<>();
    for (Unit unit : units) {
      Set<Object> added = items(unit);
      added.removeAll(items);
      Map<UsageKey, Set<Counter>> counters = unit.part.counters();
      if (!chunk.isEmpty()
          && (1 + items.size() + added.size() > store.maxWritesPerDelivery()
              || namesTooMany(named, counters))) {
        chunks.add(chunk);
        chunk = new ArrayList<>();
        items.clear();
        named.clear();
        added = items(unit);
      }
      chunk.add(unit);
      items.addAll(added);
      counters.forEach(
          (key, names) -> named.computeIfAbsent(key, k -> new java.util.HashSet<>()).addAll(names));
    }
    if (!chunk.isEmpty()) {
      chunks.add(chunk);
    }
    return chunks;
  }

  private static boolean namesTooMany(
      Map<UsageKey, Set<Counter>> named, Map<UsageKey, Set<Counter>> more) {
    for (Map.Entry<UsageKey, Set<Counter>> day : more.entrySet()) {
      Set<Counter> union = new java.util.HashSet<>(named.getOrDefault(day.getKey(), Set.of()));
      union.addAll(day.getValue());
      if (union.size() > UsageStore.MAX_COUNTERS_PER_UPDATE) {
        return true;
      }
    }
    return false;
  }

  /** The user-days and series a unit may write. */
  private static Set<Object> items(Unit unit) {
    Set<Object> items = new java.util.HashSet<>(unit.part.deltas().byKey().keySet());
    for (CumulativePoint point : unit.part.cumulativePoints()) {
      items.add(point.key());
      items.add(point.series());
    }
    return items;
  }

  /** Writes one chunk and settles each of its units. */
  private void commitChunk(String connectionId, List<Unit> chunk) {
    Set<Object> items = new java.util.HashSet<>();
    chunk.forEach(unit -> items.addAll(items(unit)));
    if (chunk.size() <= MOST_MARKED
        && chunk.size() + items.size() <= store.maxWritesPerDelivery()) {
      try {
        Written written = write(connectionId, null, chunk);
        if (written != Written.REFUSED) {
          chunk.forEach(unit -> unit.applied = written == Written.YES);
          chunk.forEach(unit -> unit.countedBefore = written == Written.NOTHING_TO_COUNT);
          return;
        }
        // An id is claimed or counted already: claiming says which.
      } catch (UsageStoreUnavailableException | WriteConflictException | RuntimeException e) {
        failed(connectionId, chunk, e);
        return;
      }
    }
    String commitId = UUID.randomUUID().toString();
    try {
      Map<String, UsageStore.Claim> claims =
          store.claim(connectionId, commitId, chunk.stream().map(u -> u.deliveryId).toList());
      List<Unit> claimed = new ArrayList<>();
      for (Unit unit : chunk) {
        switch (claims.get(unit.deliveryId)) {
          case CLAIMED -> claimed.add(unit);
          case COUNTED -> unit.countedBefore = true;
          case CLAIMED_ELSEWHERE ->
              unit.failure =
                  new WriteConflictException(
                      "another aggregator is counting " + unit.deliveryId + " now; retry later");
        }
      }
      if (claimed.isEmpty()) {
        return;
      }
      if (write(connectionId, commitId, claimed) == Written.YES) {
        claimed.forEach(unit -> unit.applied = true);
      } else {
        WriteConflictException abandoned =
            new WriteConflictException("another aggregator abandoned this commit; retry later");
        claimed.forEach(unit -> unit.failure = abandoned);
      }
    } catch (UsageStoreUnavailableException | WriteConflictException | RuntimeException e) {
      abandonQuietly(connectionId, commitId);
      failed(connectionId, chunk.stream().filter(unit -> !unit.settled()).toList(), e);
    }
  }

  /**
   * Settles units whose write failed. An unexpected error may be one export's fault for good (an
   * item DynamoDB rejects): each unit is then tried alone, so only that one fails and ends in the
   * dead-letter queue. Unavailability and conflicts pass: all of them are retried.
   */
  private void failed(String connectionId, List<Unit> units, Exception e) {
    if (e instanceof RuntimeException && units.size() > 1) {
      units.forEach(unit -> commitChunk(connectionId, List.of(unit)));
    } else {
      units.forEach(unit -> unit.failure = e);
    }
  }

  /** Frees the claims of a commit that failed; if this fails too, their lease frees them. */
  private void abandonQuietly(String connectionId, String commitId) {
    try {
      store.abandon(connectionId, commitId);
    } catch (UsageStoreUnavailableException | RuntimeException e) {
      // the lease runs out instead
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

  private enum Written {
    YES,
    REFUSED, // the commit was abandoned, or a marker's id is claimed or counted already
    NOTHING_TO_COUNT // only stale points, and no claims to settle: nothing written
  }

  /**
   * Turns the units' cumulative points into increments against fresh series state and writes it
   * all, under {@code commitId} or, if null, with a marker per unit.
   */
  private Written write(String connectionId, String commitId, List<Unit> units)
      throws UsageStoreUnavailableException, WriteConflictException {
    UsageTally deltas = new UsageTally();
    List<CumulativePoint> points = new ArrayList<>();
    for (Unit unit : units) {
      deltas.addAll(unit.part.deltas());
      points.addAll(unit.part.cumulativePoints());
    }
    TreeSet<SeriesId> series = new TreeSet<>();
    for (CumulativePoint point : points) {
      series.add(point.series());
    }
    WriteConflictException lastConflict =
        new WriteConflictException("interrupted while backing off");
    for (int attempt = 0; attempt < Backoff.ROUNDS && Backoff.beforeRound(attempt); attempt++) {
      Map<SeriesId, SeriesState> stored =
          series.isEmpty() ? Map.of() : store.loadSeries(connectionId, series);
      CumulativeToDelta.Result cumulative = CumulativeToDelta.apply(points, stored);
      UsageTally increments = new UsageTally();
      increments.addAll(deltas);
      increments.addAll(cumulative.increments());
      UsageCommit commit =
          commitId == null
              ? UsageCommit.marked(
                  connectionId,
                  units.stream().map(u -> u.deliveryId).toList(),
                  increments,
                  cumulative.changes())
              : UsageCommit.claimed(connectionId, commitId, increments, cumulative.changes());
      if (commit.isEmpty() && commitId == null) {
        return Written.NOTHING_TO_COUNT; // and a redelivery finds the same
      }
      if (commit.writes() > store.maxWritesPerDelivery()) {
        throw new IllegalStateException("a chunk outgrew its transaction: " + commit.writes());
      }
      try {
        return store.commit(commit) ? Written.YES : Written.REFUSED;
      } catch (WriteConflictException e) {
        lastConflict = e;
      }
    }
    throw lastConflict;
  }
}
