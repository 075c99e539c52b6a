package ccotel.teams;

import ccotel.api.ApiRequest;
import ccotel.query.DailyUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The read step that gives records their team, department and cost center: the roster's when it
 * names the user (all three, as the roster has them), else what the user's own {@code team}, {@code
 * department} and {@code cost_center} attributes named most often that day (already on the record,
 * see {@link DailyUsage#of}). It runs after the e-mail backfill merge (so merged id rows get the
 * e-mail's roster entry) and before the team filter and the view transform.
 */
public final class TeamAssignment {

  private TeamAssignment() {}

  public static DailyUsage assign(DailyUsage record, Roster roster) {
    Optional<Membership> listed = roster.membership(record.key().user());
    return listed.isPresent() ? record.withMembership(listed.get()) : record;
  }

  public static List<DailyUsage> assign(List<DailyUsage> records, Roster roster) {
    List<DailyUsage> assigned = new ArrayList<>(records.size());
    for (DailyUsage record : records) {
      assigned.add(assign(record, roster));
    }
    return assigned;
  }

  /**
   * The {@code team=T} parameter of a read (both query endpoints take it): only T's records;
   * absent: everyone. Empty is refused, not read as "no team".
   *
   * @throws IllegalArgumentException if it is empty
   */
  public static Optional<String> requestedTeam(ApiRequest request) {
    Optional<String> team = request.queryParameter("team");
    if (team.isPresent() && team.get().isBlank()) {
      throw new IllegalArgumentException("team must name a team; leave it out to read everyone");
    }
    return team;
  }

  /** Whether {@code record} (assigned) counts for {@code team=}: always when no team is asked. */
  public static boolean inTeam(DailyUsage record, Optional<String> team) {
    return team.isEmpty() || team.equals(record.membership().team());
  }
}
