package ccotel.teams;

import ccotel.aggregate.UsageStoreUnavailableException;

/** Port: a connection's roster, read and replaced whole. */
public interface RosterStore extends RosterReader {

  /**
   * Makes {@code roster} the connection's roster, all at once: a reader sees the old roster or the
   * new one, never part of each. If this fails, the old roster is still the current one.
   */
  void replace(String connectionId, Roster roster) throws UsageStoreUnavailableException;
}
