package ccotel.views;

import ccotel.query.DailyUsage;
import ccotel.teams.Membership;
import ccotel.usage.UserIdentity;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The aggregate view's teams: a team with fewer than {@value #MIN_TEAM_SIZE} active users in the
 * range is merged into {@value #OTHER}, so no figure describes a group that small. Records without
 * a team form a team of their own here (merged too when small).
 */
public final class SmallTeams {

  public static final int MIN_TEAM_SIZE = 5;
  public static final String OTHER = "other";

  private final Set<Optional<String>> small;
  private final Set<Optional<String>> large;

  private SmallTeams(Set<Optional<String>> small, Set<Optional<String>> large) {
    this.small = small;
    this.large = large;
  }

  /** The teams given with the distinct actors each had in the range. */
  public static SmallTeams of(Map<Optional<String>, Set<UserIdentity>> members) {
    Set<Optional<String>> small = new HashSet<>();
    Set<Optional<String>> large = new HashSet<>();
    members.forEach((team, users) -> (users.size() < MIN_TEAM_SIZE ? small : large).add(team));
    return new SmallTeams(small, large);
  }

  /** The record, moved to {@value #OTHER} if its team is small. */
  public DailyUsage merge(DailyUsage record) {
    Membership membership = record.membership();
    return small.contains(membership.team())
        ? record.withMembership(
            new Membership(Optional.of(OTHER), membership.department(), membership.costCenter()))
        : record;
  }

  /**
   * Whether {@code team=} may name {@code team}: "other" (the merged group) or a team of at least
   * the minimum size; a smaller team, or one nobody in the range is in, is refused so that its size
   * is not told either.
   */
  public boolean mayFilterBy(String team) {
    return OTHER.equals(team) || large.contains(Optional.of(team));
  }
}
