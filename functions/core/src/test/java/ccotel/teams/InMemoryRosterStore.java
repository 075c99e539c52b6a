package ccotel.teams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Rosters in a map: each replaced whole, as the DynamoDB store does. */
public final class InMemoryRosterStore implements RosterStore {

  private final Map<String, Roster> rosters = new ConcurrentHashMap<>();

  @Override
  public Roster roster(String connectionId) {
    return rosters.getOrDefault(connectionId, Roster.EMPTY);
  }

  @Override
  public void replace(String connectionId, Roster roster) {
    rosters.put(connectionId, roster);
  }
}
