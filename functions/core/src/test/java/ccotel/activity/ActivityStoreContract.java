package ccotel.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.usage.UserIdentity;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every place that keeps activity does: sums per hour, and times and days only forward. */
public abstract class ActivityStoreContract {

  private static final Instant HOUR = Instant.parse("2026-11-30T10:00:00Z");
  private static final UserIdentity ADA = UserIdentity.email("ada@org.example");
  private static final UserIdentity ANON = UserIdentity.userId("uid#with#hashes");

  protected abstract ActivityRecorder recorder();

  protected abstract ActivityReader reader();

  /** Each test works in a connection of its own, so one store can serve a whole class. */
  private final String connection = "conn_" + UUID.randomUUID();

  @Test
  void exportsPerHour_addUp_andAreCountedFromTheStartOfTheHourAsked() throws Exception {
    recorder().exportsCounted(connection, Map.of(HOUR.minusSeconds(3600), 5, HOUR, 2));
    recorder().exportsCounted(connection, Map.of(HOUR, 3, HOUR.plusSeconds(7200), 1));

    assertEquals(11, reader().exportsReceivedSince(connection, HOUR.minusSeconds(3600)));
    assertEquals(6, reader().exportsReceivedSince(connection, HOUR));
    assertEquals(1, reader().exportsReceivedSince(connection, HOUR.plusSeconds(3600)));
    assertEquals(0, reader().exportsReceivedSince("conn_other" + connection, HOUR));
  }

  @Test
  void lastActiveDays_onlyMoveForward_forEveryKindOfUser() throws Exception {
    LocalDate day = LocalDate.parse("2026-11-28");
    recorder().usersActive(connection, Map.of(ADA, day, ANON, day.minusDays(3)));
    recorder().usersActive(connection, Map.of(ADA, day.minusDays(1))); // a late, older batch
    recorder().usersActive(connection, Map.of(ANON, day.minusDays(2)));

    assertEquals(Map.of(ADA, day, ANON, day.minusDays(2)), reader().lastActiveDays(connection));
    assertEquals(Map.of(), reader().lastActiveDays("conn_other" + connection));
  }

  @Test
  void lastExport_onlyMovesForward() throws Exception {
    recorder().exportReceived(connection, HOUR.plusMillis(250));
    recorder().exportReceived(connection, HOUR); // a batch that finished late

    assertEquals(Optional.of(HOUR.plusMillis(250)), reader().lastExportAt(connection));
    assertEquals(Optional.empty(), reader().lastExportAt("conn_other" + connection));
  }
}
