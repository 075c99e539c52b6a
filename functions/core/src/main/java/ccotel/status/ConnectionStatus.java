package ccotel.status;

import ccotel.activity.ActivityReader;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.teams.Membership;
import ccotel.teams.Roster;
import ccotel.teams.RosterReader;
import ccotel.usage.UserIdentity;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A connection's status as of now (CONTRACT §8).
 *
 * @param exportsLast24h exports received in the current hour and the 23 before it
 * @param activeUsersLast7d users with usage on any of the last 7 UTC days, today included
 * @param silentUsers roster members without usage in those 7 days, the longest silent first
 */
public record ConnectionStatus(
    Optional<Instant> lastExportAt,
    long exportsLast24h,
    long activeUsersLast7d,
    List<SilentUser> silentUsers) {

  /** Days, today included, that make a user active (and a roster member without them silent). */
  public static final int ACTIVE_DAYS = 7;

  /** A roster member without usage lately, and the last day they had any (empty: never). */
  public record SilentUser(String email, Optional<String> team, Optional<LocalDate> lastActive) {}

  /** Reads the status of {@code connectionId} from its activity and roster. */
  public static ConnectionStatus read(
      String connectionId, ActivityReader activity, RosterReader rosters, Clock clock)
      throws UsageStoreUnavailableException {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate firstActiveDay = today.minusDays(ACTIVE_DAYS - 1);
    Optional<Instant> lastExportAt = activity.lastExportAt(connectionId);
    long exports =
        activity.exportsReceivedSince(
            connectionId, now.truncatedTo(ChronoUnit.HOURS).minus(23, ChronoUnit.HOURS));
    Map<UserIdentity, LocalDate> lastActive = activity.lastActiveDays(connectionId);
    long active = lastActive.values().stream().filter(day -> !day.isBefore(firstActiveDay)).count();
    Roster roster = rosters.roster(connectionId);
    List<SilentUser> silent = new ArrayList<>();
    for (Map.Entry<String, Membership> member : roster.members().entrySet()) {
      Optional<LocalDate> last =
          Optional.ofNullable(lastActive.get(UserIdentity.email(member.getKey())));
      if (last.isEmpty() || last.get().isBefore(firstActiveDay)) {
        silent.add(new SilentUser(member.getKey(), member.getValue().team(), last));
      }
    }
    // Never active first, then the longest silent; e-mail order among equals.
    silent.sort(
        Comparator.comparing((SilentUser user) -> user.lastActive().orElse(LocalDate.MIN))
            .thenComparing(SilentUser::email));
    return new ConnectionStatus(lastExportAt, exports, active, silent);
  }
}
