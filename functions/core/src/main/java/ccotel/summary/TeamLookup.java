package ccotel.summary;

import ccotel.usage.UserIdentity;
import java.util.Map;
import java.util.Set;

/**
 * Port: the team each user of a connection belongs to. Rosters do not exist yet (issue 15), so
 * {@link #NONE} puts everyone in no team; a roster store will implement this.
 */
public interface TeamLookup {

  TeamLookup NONE = (connectionId, users) -> Map.of();

  /** The teams of those of {@code users} that have one; users without a team are left out. */
  Map<UserIdentity, String> teams(String connectionId, Set<UserIdentity> users);
}
