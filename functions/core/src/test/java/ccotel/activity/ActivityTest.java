package ccotel.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.aggregate.AggregationService;
import ccotel.ingest.QueuedExport;
import ccotel.otlp.OtlpSignal;
import ccotel.testing.InMemoryActivity;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the aggregator's batches leave as activity. */
class ActivityTest {

  private static final Instant TEN = Instant.parse("2026-11-30T10:00:00Z");
  private static final LocalDate DAY = LocalDate.parse("2026-11-30");
  private static final UserIdentity ADA = UserIdentity.email("ada@org.example");
  private static final UserIdentity BOB = UserIdentity.email("bob@org.example");

  private final InMemoryActivity store = new InMemoryActivity();
  private final Activity activity = new Activity(store);

  @Test
  void exportsCountInTheHourTheyWereReceived_onceEach_andUsersTheirLatestDay() throws Exception {
    activity.counted(
        List.of(
            counted("conn_a", TEN.plusSeconds(59), 1, 0, key(DAY.minusDays(1), ADA)),
            counted("conn_a", TEN.plusSeconds(3599), 1, 0, key(DAY, ADA), key(DAY, BOB)),
            counted("conn_a", TEN.plusSeconds(3600), 2, 0, key(DAY.minusDays(2), BOB)),
            // found counted before: its hour had it already; its users still count as active
            counted("conn_a", TEN.minusSeconds(1), 0, 1, key(DAY.plusDays(1), BOB)),
            counted("conn_b", TEN, 1, 0)));

    assertEquals(3, store.exportsReceivedSince("conn_a", TEN));
    assertEquals(1, store.exportsReceivedSince("conn_a", TEN.plusSeconds(3600)));
    assertEquals(3, store.exportsReceivedSince("conn_a", TEN.minusSeconds(3600)));
    assertEquals(1, store.exportsReceivedSince("conn_b", TEN));
    assertEquals(Map.of(ADA, DAY, BOB, DAY.plusDays(1)), store.lastActiveDays("conn_a"));
    assertEquals(Optional.of(TEN.plusSeconds(3600)), store.lastExportAt("conn_a"));
    assertEquals(Map.of(), store.lastActiveDays("conn_b"));
  }

  @Test
  void aUsersDayIsWrittenOnce_untilALaterDayComes() throws Exception {
    activity.counted(List.of(counted("conn_a", TEN, 1, 0, key(DAY, ADA))));
    activity.counted(List.of(counted("conn_a", TEN, 1, 0, key(DAY, ADA), key(DAY, BOB))));
    activity.counted(List.of(counted("conn_a", TEN, 1, 0, key(DAY.minusDays(1), ADA))));
    activity.counted(List.of(counted("conn_a", TEN, 1, 0, key(DAY.plusDays(1), ADA))));

    assertEquals(
        List.of(Map.of(ADA, DAY), Map.of(BOB, DAY), Map.of(ADA, DAY.plusDays(1))),
        store.userWrites);
  }

  private static UsageKey key(LocalDate day, UserIdentity user) {
    return new UsageKey(day, user);
  }

  private static Activity.Counted counted(
      String connection, Instant receivedAt, int applied, int before, UsageKey... userDays) {
    return new Activity.Counted(
        new QueuedExport(connection, OtlpSignal.LOGS, "d" + receivedAt, receivedAt, new byte[0]),
        new AggregationService.Result(applied, before, 0, Set.of(userDays)));
  }
}
