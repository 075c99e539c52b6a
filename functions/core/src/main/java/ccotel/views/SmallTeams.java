package ccotel.views;

import ccotel.usage.UserIdentity;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The aggregate view's teams: a team with fewer than {@value #MIN_TEAM_SIZE} active users in the
 * range is merged into {@value #OTHER}, so no figure describes a group that small. Users without a
 * team form a team of their own here (merged too when small).
 */
public final class SmallTeams {

  public static final int MIN_TEAM_SIZE = 5;
  public static final String OTHER = "other";

  private final Map<UserIdentity, String> teams;
  private final Set<Optional<String>> small;

  private SmallTeams(Map<UserIdentity, String> teams, Set<Optional<String>> small) {
    this.teams = teams;
    this.small = small;
  }

  /**
   * The teams of {@code activeUsers}, small ones merged.
   *
   * @param activeUsers every actor with a record in the range
   * @param teams each user's team; users missing from it have none
   */
  public static SmallTeams of(Set<UserIdentity> activeUsers, Map<UserIdentity, String> teams) {
    Map<Optional<String>, Integer> sizes = new HashMap<>();
    for (UserIdentity user : activeUsers) {
      sizes.merge(Optional.ofNullable(teams.get(user)), 1, Integer::sum);
    }
    Set<Optional<String>> small = new HashSet<>();
    sizes.forEach(
        (team, size) -> {
          if (size < MIN_TEAM_SIZE) {
            small.add(team);
          }
        });
    Map<UserIdentity, String> merged = new HashMap<>();
    for (UserIdentity user : activeUsers) {
      Optional<String> team = Optional.ofNullable(teams.get(user));
      if (small.contains(team)) {
        merged.put(user, OTHER);
      } else {
        team.ifPresent(name -> merged.put(user, name));
      }
    }
    return new SmallTeams(merged, small);
  }

  /** Each active user's team as the aggregate view reports it (small teams as "other"). */
  public Map<UserIdentity, String> teams() {
    return teams;
  }

  /**
   * Whether {@code team=} may name {@code team}: "other" (the merged group) or a team of at least
   * the minimum size; a smaller team, or one nobody in the range is in, is refused so that its size
   * is not told either.
   */
  public boolean mayFilterBy(String team) {
    if (OTHER.equals(team)) {
      return true;
    }
    return !small.contains(Optional.of(team)) && teams.containsValue(team);
  }
}
