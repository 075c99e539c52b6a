package ccotel.aggregate;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.ingest.QueuedExport;
import ccotel.query.StoredUsage;
import ccotel.testing.OtlpRequests;
import ccotel.testing.QueuedExports;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UserIdentity;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AggregationServiceTest {

  private static final LocalDate DAY = LocalDate.parse("2026-11-24");
  private static final Counter COMMITS = Counter.of(CounterFamily.COMMITS);

  @Test
  void requestLargerThanOneTransaction_isSplitIntoParts_eachCountedOnce() throws Exception {
    // 12 users and 12 cumulative series with a store that takes 5 writes per transaction.
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    for (int user = 0; user < 12; user++) {
      request.addAllResourceMetrics(
          OtlpRequests.metrics("user" + user + "@example.com")
              .delta("claude_code.commit.count", nanos("2026-11-24T10:00:00Z"), 1)
              .cumulative(
                  "claude_code.session.count",
                  nanos("2026-11-24T09:00:00Z"),
                  nanos("2026-11-24T10:00:00Z"),
                  2)
              .build()
              .getResourceMetricsList());
    }
    InMemoryUsageStore store = new InMemoryUsageStore(5);
    AggregationService service = new AggregationService(store);
    QueuedExport export = QueuedExports.metrics("c1", request.build().toByteArray());

    AggregationService.Result first = service.aggregate(export);
    AggregationService.Result again = service.aggregate(export);

    assertEquals(0, first.partsAlreadyApplied());
    assertEquals(first.partsApplied(), again.partsAlreadyApplied());
    List<StoredUsage> rows = store.read("c1", DAY, DAY, 100, Optional.empty()).rows();
    assertEquals(12, rows.size());
    for (StoredUsage row : rows) {
      assertEquals(1, row.get(COMMITS));
      assertEquals(2, row.get(Counter.of(CounterFamily.SESSIONS)));
    }
  }

  @Test
  void anAccountLaterSeenWithAnEmail_countsForTheEmailFromThenOn() throws Exception {
    InMemoryUsageStore store = new InMemoryUsageStore();
    AggregationService service = new AggregationService(store);
    long day1 = nanos("2026-11-24T10:00:00Z");
    UserIdentity account = UserIdentity.accountUuid("9f1c-account");
    UserIdentity email = UserIdentity.email("dev@example.com");
    // Before the user set user.email: counted under the account id.
    service.aggregate(QueuedExports.metrics("c1", commits(null, day1, 1)));
    // The first export with both: counted for the e-mail, and the link is remembered.
    service.aggregate(QueuedExports.metrics("c1", commits("dev@example.com", day1 + 1, 2)));
    // Later exports without the e-mail (another process, an old config) follow the link, in a
    // fresh aggregator too (another Lambda instance).
    new AggregationService(store)
        .aggregate(QueuedExports.metrics("c1", commits(null, nanos("2026-11-25T08:00:00Z"), 4)));
    service.aggregate(QueuedExports.metrics("c1", commits(null, day1 + 2, 8)));

    Map<UserIdentity, Long> day1Commits = new java.util.HashMap<>();
    store
        .read("c1", DAY, DAY, 10, Optional.empty())
        .rows()
        .forEach(row -> day1Commits.put(row.key().user(), row.get(COMMITS)));
    assertEquals(Map.of(account, 1L, email, 10L), day1Commits);
    List<StoredUsage> day2 =
        store.read("c1", DAY.plusDays(1), DAY.plusDays(1), 10, Optional.empty()).rows();
    assertEquals(1, day2.size());
    assertEquals(email, day2.get(0).key().user());
    assertEquals(4, day2.get(0).get(COMMITS));
  }

  private static byte[] commits(String email, long time, int count) {
    return OtlpRequests.metrics(email)
        .resource("user.account_uuid", "9f1c-account")
        .resource("user.id", "a1b2c3")
        .delta("claude_code.commit.count", time, count)
        .build()
        .toByteArray();
  }

  @Test
  void aBatch_isMergedPerConnection_andEachExportStillCountsOnce() throws Exception {
    InMemoryUsageStore store = new InMemoryUsageStore();
    AggregationService service = new AggregationService(store);
    List<QueuedExport> first = new java.util.ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      first.add(
          QueuedExports.metrics(
              "c1", commits("dev@example.com", nanos("2026-11-24T10:00:00Z") + i, i)));
    }
    first.add(
        QueuedExports.metrics("c2", commits("ops@example.com", nanos("2026-11-24T10:00:00Z"), 7)));
    first.add(
        QueuedExports.metrics("c2", commits("ops@example.com", nanos("2026-11-24T11:00:00Z"), 8)));
    first.add(first.get(0)); // SQS may hand the same message twice in one batch
    first.add(QueuedExports.metrics("c1", new byte[] {1, 2, 3})); // poison

    List<AggregationService.Outcome> outcomes = service.aggregateAll(first);

    assertEquals(9, outcomes.size());
    for (int i = 0; i < 8; i++) {
      assertFalse(outcomes.get(i).failed(), "export " + i);
    }
    assertTrue(outcomes.get(8).failed());
    assertEquals(0, outcomes.get(7).result().partsApplied(), "the copy counts nothing");
    assertEquals(0, store.transactions(), "no transaction: each export adds to one user-day");
    assertEquals(2, store.plainDayWrites(), "one write per connection's one user-day");
    assertEquals(15, commitsOf(store, "c1"));
    assertEquals(15, commitsOf(store, "c2"));

    // A redelivery mixed with a new export: the old ones are found counted, and only the new one
    // is written.
    List<QueuedExport> second = new java.util.ArrayList<>(first.subList(0, 3));
    second.add(first.get(5));
    second.add(
        QueuedExports.metrics(
            "c1", commits("dev@example.com", nanos("2026-11-24T12:00:00Z"), 100)));
    List<AggregationService.Outcome> again = service.aggregateAll(second);

    assertEquals(
        List.of(0, 0, 0, 0, 1),
        again.stream().map(outcome -> outcome.result().partsApplied()).toList());
    assertEquals(115, commitsOf(store, "c1"));
    assertEquals(15, commitsOf(store, "c2"));
    assertEquals(3, store.plainDayWrites());
  }

  @Test
  void anExportTheStoreRefusesForGood_failsAlone_andTheRestOfItsConnectionsBatchCounts()
      throws Exception {
    assertRefusedExportFailsAlone(false);
    assertRefusedExportFailsAlone(true);
  }

  /**
   * Delta exports of one user-day take plain writes; cumulative ones take commits. The store fails
   * the bad user-day's item as DynamoDB would; the healthy exports are of the same connection, in
   * the same batch, around it.
   */
  private static void assertRefusedExportFailsAlone(boolean cumulative) throws Exception {
    InMemoryUsageStore store = new InMemoryUsageStore();
    store.failWritesTo(
        new ccotel.usage.UsageKey(
            java.time.LocalDate.parse("2026-11-24"),
            ccotel.usage.UserIdentity.email("bad@example.com")),
        true);
    List<QueuedExport> batch = new java.util.ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      String user = i == 3 ? "bad@example.com" : "dev@example.com";
      long time = nanos("2026-11-24T10:00:00Z") + i;
      batch.add(
          QueuedExports.metrics(
              "c1",
              cumulative
                  ? OtlpRequests.metrics(user)
                      .cumulative(
                          "claude_code.commit.count", time - 1, time, i, "session.id", "s" + i)
                      .build()
                      .toByteArray()
                  : commits(user, time, i)));
    }
    AggregationService service = new AggregationService(store);

    for (int receive = 1; receive <= 5; receive++) {
      List<AggregationService.Outcome> outcomes = service.aggregateAll(batch);
      assertEquals(
          List.of(false, false, true, false, false),
          outcomes.stream().map(AggregationService.Outcome::failed).toList());
      assertTrue(outcomes.get(2).failure() instanceof UsageRefusedException);
      assertEquals(1 + 2 + 4 + 5, commitsOf(store, "c1"), "receive " + receive);
    }
  }

  @Test
  void exportsOfManyCounters_eachNameAtMost256PerUpdate_soNoneIsRefusedForIt() throws Exception {
    // Three exports over two days (so each takes a transaction), each 60 models on one day: 120
    // counters each (cost and points), 360 together, more than one update may name.
    InMemoryUsageStore store = new InMemoryUsageStore();
    List<QueuedExport> batch = new java.util.ArrayList<>();
    long time = nanos("2026-11-24T10:00:00Z");
    for (int e = 0; e < 3; e++) {
      OtlpRequests.MetricsBuilder request =
          OtlpRequests.metrics("dev@example.com")
              .delta("claude_code.session.count", time - 86_400_000_000_000L + e, 1);
      for (int m = 0; m < 60; m++) {
        request.delta("claude_code.cost.usage", time + e, 0.001, "model", "m" + e + "-" + m);
      }
      batch.add(QueuedExports.metrics("c1", request.build().toByteArray()));
    }

    List<AggregationService.Outcome> outcomes = new AggregationService(store).aggregateAll(batch);

    assertEquals(
        List.of(false, false, false),
        outcomes.stream().map(AggregationService.Outcome::failed).toList());
    assertEquals(3, store.transactions(), "each export its own transaction");
    StoredUsage today =
        store
            .read(
                "c1",
                LocalDate.parse("2026-11-24"),
                LocalDate.parse("2026-11-24"),
                10,
                Optional.empty())
            .rows()
            .get(0);
    for (int e = 0; e < 3; e++) {
      for (int m = 0; m < 60; m++) {
        assertEquals(
            1_000_000L,
            today.get(Counter.of(CounterFamily.METRIC_COST_NANO_USD, "m" + e + "-" + m)));
      }
    }
  }

  @Test
  void aUserDayTheStoreCannotReachNow_failsItsWrite_forSqsToRetry_andCountsOnceItCan()
      throws Exception {
    InMemoryUsageStore store = new InMemoryUsageStore();
    ccotel.usage.UsageKey bad =
        new ccotel.usage.UsageKey(
            java.time.LocalDate.parse("2026-11-24"),
            ccotel.usage.UserIdentity.email("bad@example.com"));
    store.failWritesTo(bad, false);
    long time = nanos("2026-11-24T10:00:00Z");
    List<QueuedExport> batch =
        List.of(
            QueuedExports.metrics("c1", commits("dev@example.com", time, 1)),
            QueuedExports.metrics("c1", commits("bad@example.com", time, 2)),
            QueuedExports.metrics("c1", commits("dev@example.com", time + 1, 4)));
    AggregationService service = new AggregationService(store);

    List<AggregationService.Outcome> outcomes = service.aggregateAll(batch);
    assertTrue(outcomes.get(1).failure() instanceof UsageStoreUnavailableException);
    assertEquals(1, commitsOf(store, "c1"), "the user-day written before the failure");
    // The item is back: the redelivered batch counts what was not counted, once.
    store.stopFailingWritesTo(bad);
    List<AggregationService.Outcome> again = service.aggregateAll(batch);

    assertEquals(
        List.of(false, false, false),
        again.stream().map(AggregationService.Outcome::failed).toList());
    assertEquals(7, commitsOf(store, "c1"));
  }

  @Test
  void aCumulativePointWithoutValue_isSkipped_soTheSeriesCountsItsTrueIncrease() throws Exception {
    long start = nanos("2026-11-24T09:00:00Z");
    long time = nanos("2026-11-24T10:00:00Z");
    ExportMetricsServiceRequest.Builder request =
        OtlpRequests.metrics("dev@example.com")
            .cumulative("claude_code.commit.count", start, time, 100)
            .cumulative("claude_code.commit.count", start, time + 1, 0)
            .cumulative("claude_code.commit.count", start, time + 2, 150)
            .build()
            .toBuilder();
    request
        .getResourceMetricsBuilder(0)
        .getScopeMetricsBuilder(0)
        .getMetricsBuilder(1)
        .getSumBuilder()
        .getDataPointsBuilder(0)
        .clearValue();
    InMemoryUsageStore store = new InMemoryUsageStore();

    AggregationService.Result result =
        new AggregationService(store)
            .aggregate(QueuedExports.metrics("c1", request.build().toByteArray()));

    assertEquals(150, commitsOf(store, "c1"));
    assertEquals(1, result.rejected());
  }

  @Test
  void anExportThatWouldTakeAStoredCounterPastItsCeiling_isRefusedAlone() throws Exception {
    InMemoryUsageStore store = new InMemoryUsageStore();
    ccotel.usage.UsageKey dev =
        new ccotel.usage.UsageKey(DAY, UserIdentity.email("dev@example.com"));
    store.countOnce(
        "c1",
        List.of(
            new DayDelivery(
                "earlier",
                dev,
                new java.util.TreeMap<>(Map.of(COMMITS, DayLimits.MAX_COUNTER_VALUE - 5)))));
    long time = nanos("2026-11-24T10:00:00Z");

    List<AggregationService.Outcome> outcomes =
        new AggregationService(store)
            .aggregateAll(
                List.of(
                    QueuedExports.metrics("c1", commits("dev@example.com", time, 5)),
                    QueuedExports.metrics("c1", commits("dev@example.com", time + 1, 1)),
                    QueuedExports.metrics("c1", commits("other@example.com", time, 2))));

    assertEquals(
        List.of(false, true, false),
        outcomes.stream().map(AggregationService.Outcome::failed).toList());
    assertTrue(outcomes.get(1).failure() instanceof UsageRefusedException);
    assertTrue(
        outcomes
            .get(1)
            .failure()
            .getMessage()
            .startsWith("a user-day of 2026-11-24 refused: commits would exceed"),
        outcomes.get(1).failure().getMessage());
    assertEquals(DayLimits.MAX_COUNTER_VALUE + 2, commitsOf(store, "c1"));
  }

  @Test
  void anExportThatWouldPassTheDistinctCounterCap_isRefused() throws Exception {
    InMemoryUsageStore store = new InMemoryUsageStore();
    ccotel.usage.UsageKey dev =
        new ccotel.usage.UsageKey(DAY, UserIdentity.email("dev@example.com"));
    java.util.SortedMap<Counter, Long> tools = new java.util.TreeMap<>();
    for (int i = 0; i < DayLimits.MAX_COUNTERS - 1; i++) {
      tools.put(Counter.of(CounterFamily.TOOL_SUCCEEDED, "tool" + i), 1L);
    }
    store.countOnce("c1", List.of(new DayDelivery("earlier", dev, tools)));
    long time = nanos("2026-11-24T10:00:00Z");
    byte[] twoNewModels =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.cost.usage", time, 1, "model", "new-model")
            .build()
            .toByteArray(); // adds m.cost:new-model and m.points:new-model

    AggregationService.Outcome outcome =
        new AggregationService(store)
            .aggregateAll(List.of(QueuedExports.metrics("c1", twoNewModels)))
            .get(0);

    assertTrue(outcome.failure() instanceof UsageRefusedException, String.valueOf(outcome));
    assertEquals(
        "a user-day of 2026-11-24 refused: the user-day would hold more than 512 distinct counters"
            + " (it holds 511, the export adds 2 more models, tools or types)",
        outcome.failure().getMessage());
  }

  @Test
  void twoAggregatorsOnOneCumulativeExport_countItOnce_whicheverCommitsFirst() throws Exception {
    InMemoryUsageStore real = new InMemoryUsageStore();
    long start = nanos("2026-11-24T09:00:00Z");
    QueuedExport export =
        QueuedExports.metrics(
            "c1",
            OtlpRequests.metrics("dev@example.com")
                .cumulative("claude_code.commit.count", start, start + 5, 7)
                .build()
                .toByteArray());
    AggregationService other = new AggregationService(real);
    List<AggregationService.Result> others = new java.util.ArrayList<>();
    // A slow aggregator: it read the series state, and SQS gave the export to another meanwhile,
    // which counted it before the slow one writes.
    UsageStore slow =
        new ForwardingUsageStore(real) {
          @Override
          public boolean commit(UsageCommit commit)
              throws WriteConflictException, UsageStoreUnavailableException {
            if (others.isEmpty()) {
              try {
                others.add(other.aggregate(export));
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            }
            return super.commit(commit);
          }
        };

    AggregationService.Result late = new AggregationService(slow).aggregate(export);

    assertEquals(1, others.get(0).partsApplied());
    assertEquals(0, late.partsApplied());
    assertEquals(1, late.partsAlreadyApplied());
    assertEquals(7, commitsOf(real, "c1"));
  }

  @Test
  void aBatchOfOneUsersDeltas_isOnePlainWrite_withoutTransactions() throws Exception {
    List<List<DayDelivery>> calls = new java.util.ArrayList<>();
    InMemoryUsageStore real = new InMemoryUsageStore();
    UsageStore recording =
        new ForwardingUsageStore(real) {
          @Override
          public Map<String, Counted> countOnce(String connectionId, List<DayDelivery> deliveries)
              throws UsageStoreUnavailableException {
            calls.add(deliveries);
            return super.countOnce(connectionId, deliveries);
          }
        };
    List<QueuedExport> batch = new java.util.ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      batch.add(
          QueuedExports.metrics(
              "c1", commits("dev@example.com", nanos("2026-11-24T10:00:00Z") + i, i)));
    }

    new AggregationService(recording).aggregateAll(batch);

    assertEquals(1, calls.size());
    assertEquals(
        batch.stream().map(QueuedExport::deliveryId).toList(),
        calls.get(0).stream().map(DayDelivery::deliveryId).toList());
    assertEquals(1, real.plainDayWrites());
    assertEquals(0, real.transactions());
    assertEquals(55, commitsOf(real, "c1"));
  }

  @Test
  void eachCumulativeExport_isOneTransaction_ofItsMarkerUserDayAndSeries() throws Exception {
    List<UsageCommit> commits = new java.util.ArrayList<>();
    InMemoryUsageStore real = new InMemoryUsageStore();
    UsageStore recording =
        new ForwardingUsageStore(real) {
          @Override
          public boolean commit(UsageCommit commit)
              throws WriteConflictException, UsageStoreUnavailableException {
            commits.add(commit);
            return super.commit(commit);
          }
        };
    List<QueuedExport> batch = new java.util.ArrayList<>();
    long start = nanos("2026-11-24T09:00:00Z");
    for (int i = 1; i <= 10; i++) {
      byte[] body =
          OtlpRequests.metrics("dev@example.com")
              .cumulative("claude_code.commit.count", start, start + i, i)
              .build()
              .toByteArray();
      batch.add(QueuedExports.metrics("c1", body));
    }

    new AggregationService(recording).aggregateAll(batch);

    assertEquals(
        batch.stream().map(QueuedExport::deliveryId).toList(),
        commits.stream().map(UsageCommit::deliveryId).toList());
    for (UsageCommit commit : commits) {
      assertEquals(3, commit.writes(), "its marker, one user-day, one series");
    }
    assertEquals(0, real.plainDayWrites());
    assertEquals(10, commitsOf(real, "c1"));
  }

  private static long commitsOf(InMemoryUsageStore store, String connection) throws Exception {
    long total = 0;
    for (StoredUsage row : store.read(connection, DAY, DAY, 10, Optional.empty()).rows()) {
      total += row.get(COMMITS);
    }
    return total;
  }

  @Test
  void writeConflict_isRetriedWithFreshState() throws Exception {
    InMemoryUsageStore real = new InMemoryUsageStore();
    AtomicInteger conflicts = new AtomicInteger(2);
    UsageStore flaky =
        new ForwardingUsageStore(real) {
          @Override
          public boolean commit(UsageCommit commit)
              throws WriteConflictException, UsageStoreUnavailableException {
            if (conflicts.getAndDecrement() > 0) {
              throw new WriteConflictException("another writer (test)");
            }
            return super.commit(commit);
          }
        };
    byte[] body =
        OtlpRequests.metrics("dev@example.com")
            .cumulative(
                "claude_code.commit.count",
                nanos("2026-11-24T09:00:00Z"),
                nanos("2026-11-24T10:00:00Z"),
                3)
            .build()
            .toByteArray();

    new AggregationService(flaky).aggregate(QueuedExports.metrics("c1", body));

    assertEquals(3, real.read("c1", DAY, DAY, 10, Optional.empty()).rows().get(0).get(COMMITS));
  }

  @Test
  void endlessConflicts_failTheMessage_soTheQueueRetriesIt() {
    UsageStore alwaysConflicting =
        new ForwardingUsageStore(new InMemoryUsageStore()) {
          @Override
          public boolean commit(UsageCommit commit) throws WriteConflictException {
            throw new WriteConflictException("always (test)");
          }

          @Override
          public Map<String, Counted> countOnce(String connectionId, List<DayDelivery> deliveries) {
            Map<String, Counted> contended = new java.util.HashMap<>();
            deliveries.forEach(d -> contended.put(d.deliveryId(), Counted.CONTENDED));
            return contended;
          }
        };
    long time = nanos("2026-11-24T10:00:00Z");
    byte[] delta =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.commit.count", time, 1)
            .build()
            .toByteArray();
    byte[] cumulative =
        OtlpRequests.metrics("dev@example.com")
            .cumulative("claude_code.commit.count", time - 1, time, 1)
            .build()
            .toByteArray();

    for (byte[] body : List.of(delta, cumulative)) {
      assertThrows(
          WriteConflictException.class,
          () ->
              new AggregationService(alwaysConflicting)
                  .aggregate(QueuedExports.metrics("c1", body)));
    }
  }

  @Test
  void malformedQueuedBody_isRejected() {
    QueuedExport export = QueuedExports.metrics("c1", new byte[] {(byte) 0xff, 0x01});
    assertThrows(
        ccotel.otlp.MalformedOtlpException.class,
        () -> new AggregationService(new InMemoryUsageStore()).aggregate(export));
  }

  @Test
  void aBatchsDays_areAnnouncedOnceEach_afterItsWrites_alsoWhenCountedBefore() throws Exception {
    InMemoryUsageStore store = new InMemoryUsageStore();
    List<String> announced = new java.util.ArrayList<>();
    AggregationService service =
        new AggregationService(
            store,
            (connectionId, days) -> {
              for (LocalDate day : days) {
                // After the writes: the day's rows are there when it is announced.
                try {
                  long commits =
                      store.read(connectionId, day, day, 100, Optional.empty()).rows().stream()
                          .mapToLong(row -> row.get(COMMITS))
                          .sum();
                  announced.add(connectionId + " " + day + " " + commits);
                } catch (ccotel.query.InvalidCursorException e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    List<QueuedExport> batch =
        List.of(
            QueuedExports.metrics(
                "c1", commits("dev@example.com", nanos("2026-11-24T10:00:00Z"), 1)),
            QueuedExports.metrics(
                "c1", commits("ops@example.com", nanos("2026-11-24T11:00:00Z"), 2)),
            QueuedExports.metrics(
                "c1", commits("dev@example.com", nanos("2026-11-25T10:00:00Z"), 4)),
            QueuedExports.metrics(
                "c2", commits("dev@example.com", nanos("2026-11-24T10:00:00Z"), 8)));

    service.aggregateAll(batch);
    // Redelivered whole (a crash after the writes, before the change): announced again.
    List<AggregationService.Outcome> again = service.aggregateAll(batch);

    List<String> once = List.of("c1 2026-11-24 3", "c1 2026-11-25 4", "c2 2026-11-24 8");
    List<String> twice = new java.util.ArrayList<>(once);
    twice.addAll(once);
    assertEquals(twice, announced);
    assertTrue(again.stream().noneMatch(AggregationService.Outcome::failed));
  }

  @Test
  void aFailedAnnouncement_failsItsConnectionsExports_andTheRetryAnnouncesIt() throws Exception {
    InMemoryUsageStore store = new InMemoryUsageStore();
    List<String> announced = new java.util.ArrayList<>();
    AggregationService failing =
        new AggregationService(
            store,
            (connectionId, days) -> {
              if (connectionId.equals("c1")) {
                throw new UsageStoreUnavailableException("lost (test)", null);
              }
              announced.add(connectionId);
            });
    List<QueuedExport> batch =
        List.of(
            QueuedExports.metrics(
                "c1", commits("dev@example.com", nanos("2026-11-24T10:00:00Z"), 1)),
            QueuedExports.metrics(
                "c2", commits("ops@example.com", nanos("2026-11-24T10:00:00Z"), 2)));

    List<AggregationService.Outcome> outcomes = failing.aggregateAll(batch);

    assertTrue(outcomes.get(0).failed());
    assertFalse(outcomes.get(1).failed());
    assertEquals(List.of("c2"), announced);
    AggregationService.Result retried =
        new AggregationService(store, (connectionId, days) -> announced.add(connectionId))
            .aggregate(batch.get(0));
    assertEquals(1, retried.partsAlreadyApplied()); // counted once, announced now
    assertEquals(List.of("c2", "c1"), announced);
  }
}
