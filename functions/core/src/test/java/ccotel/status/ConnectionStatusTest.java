package ccotel.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.teams.Membership;
import ccotel.teams.Roster;
import ccotel.testing.InMemoryActivity;
import ccotel.testing.MutableClock;
import ccotel.usage.UserIdentity;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status as of a fixed time: its windows' edges and who is silent. */
class ConnectionStatusTest {

  private static final Instant NOW = Instant.parse("2026-11-30T10:20:00Z");
  private static final LocalDate TODAY = LocalDate.parse("2026-11-30");
  private static final String CONNECTION = "conn_a";

  private final InMemoryActivity activity = new InMemoryActivity();
  private final MutableClock clock = new MutableClock(NOW);

  @Test
  void nothingYet_isNoExport_noActiveUser_andEveryRosterMemberSilentSinceNever() throws Exception {
    ConnectionStatus status =
        ConnectionStatus.read(
            CONNECTION,
            activity,
            c -> roster("zed@org.example", "platform", "amy@org.example", null),
            clock);

    assertEquals(Optional.empty(), status.lastExportAt());
    assertEquals(0, status.exportsLast24h());
    assertEquals(0, status.activeUsersLast7d());
    assertEquals(
        List.of(
            new ConnectionStatus.SilentUser("amy@org.example", Optional.empty(), Optional.empty()),
            new ConnectionStatus.SilentUser(
                "zed@org.example", Optional.of("platform"), Optional.empty())),
        status.silentUsers());
  }

  @Test
  void theLast24Hours_areThisHourAndThe23Before() throws Exception {
    activity.exportsCounted(
        CONNECTION,
        Map.of(
            Instant.parse("2026-11-30T10:00:00Z"), 1, // this hour
            Instant.parse("2026-11-29T11:00:00Z"), 10, // 23 hours before it
            Instant.parse("2026-11-29T10:00:00Z"), 100)); // 24 before: out

    ConnectionStatus status = ConnectionStatus.read(CONNECTION, activity, c -> Roster.EMPTY, clock);

    assertEquals(11, status.exportsLast24h());
  }

  @Test
  void activeUsers_areThoseOfTheLast7Days_andRosterMembersWithoutThemAreSilent_longestFirst()
      throws Exception {
    activity.usersActive(
        CONNECTION,
        Map.of(
            UserIdentity.email("ada@org.example"), TODAY,
            UserIdentity.email("bob@org.example"), TODAY.minusDays(6), // the 7th day: active
            UserIdentity.email("cy@org.example"), TODAY.minusDays(7), // the 8th: silent
            UserIdentity.email("dee@org.example"), TODAY.minusDays(30),
            UserIdentity.userId("uid-anon"), TODAY.minusDays(1))); // active, on no roster
    Roster roster =
        Roster.of(
            Map.of(
                "ada@org.example", Membership.of("payments", null, null),
                "bob@org.example", Membership.of("payments", null, null),
                "cy@org.example", Membership.of("platform", null, null),
                "dee@org.example", Membership.of(null, null, null),
                "eve@org.example", Membership.of("platform", null, null)));

    ConnectionStatus status = ConnectionStatus.read(CONNECTION, activity, c -> roster, clock);

    assertEquals(3, status.activeUsersLast7d());
    assertEquals(
        List.of(
            new ConnectionStatus.SilentUser(
                "eve@org.example", Optional.of("platform"), Optional.empty()),
            new ConnectionStatus.SilentUser(
                "dee@org.example", Optional.empty(), Optional.of(TODAY.minusDays(30))),
            new ConnectionStatus.SilentUser(
                "cy@org.example", Optional.of("platform"), Optional.of(TODAY.minusDays(7)))),
        status.silentUsers());
  }

  private static Roster roster(String email1, String team1, String email2, String team2) {
    return Roster.of(
        Map.of(email1, Membership.of(team1, null, null), email2, Membership.of(team2, null, null)));
  }
}
