package ccotel.teams;

import ccotel.aggregate.UsageStoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps each connection's roster for {@code ttl}, so that a query does not read it every time: an
 * import shows in answers within {@code ttl} (README states it).
 */
public final class CachingRosterReader implements RosterReader {

  private static final int MAX_ENTRIES = 1_000;

  private final RosterReader store;
  private final Clock clock;
  private final Duration ttl;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  public CachingRosterReader(RosterReader store, Clock clock, Duration ttl) {
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
  }

  private record Entry(Roster roster, Instant expires) {}

  @Override
  public Roster roster(String connectionId) throws UsageStoreUnavailableException {
    Instant now = clock.instant();
    Entry cached = entries.get(connectionId);
    if (cached != null && now.isBefore(cached.expires())) {
      return cached.roster();
    }
    Roster roster = store.roster(connectionId);
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear(); // bounded: only this container's connections are ever asked for
    }
    entries.put(connectionId, new Entry(roster, now.plus(ttl)));
    return roster;
  }
}
