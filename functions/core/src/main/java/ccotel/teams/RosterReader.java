package ccotel.teams;

import ccotel.aggregate.UsageStoreUnavailableException;

/** Port: reads a connection's current roster (the query path needs no more). */
@FunctionalInterface
public interface RosterReader {

  /** Nobody is on a roster. */
  RosterReader NONE = connectionId -> Roster.EMPTY;

  /** The connection's roster as last imported; empty if none ever was. */
  Roster roster(String connectionId) throws UsageStoreUnavailableException;
}
