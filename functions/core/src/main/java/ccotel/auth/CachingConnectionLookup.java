package ccotel.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps lookups for a while so that each export does not read the token store. A revoked token
 * keeps working for at most {@code ttl} (README states it); unknown tokens are remembered for less,
 * so a newly created token works soon even if it was tried before it existed.
 */
public final class CachingConnectionLookup implements ConnectionLookup {

  private static final int MAX_ENTRIES = 10_000;

  private final ConnectionLookup store;
  private final Clock clock;
  private final Duration ttl;
  private final Duration negativeTtl;
  private final ConcurrentHashMap<TokenHash, Entry> entries = new ConcurrentHashMap<>();

  public CachingConnectionLookup(ConnectionLookup store, Clock clock, Duration ttl) {
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
    this.negativeTtl = ttl.compareTo(Duration.ofSeconds(5)) < 0 ? ttl : Duration.ofSeconds(5);
  }

  private record Entry(Optional<TokenGrant> grant, Instant expires) {}

  @Override
  public Optional<TokenGrant> find(TokenHash hash) throws TokenStoreUnavailableException {
    Instant now = clock.instant();
    Entry cached = entries.get(hash);
    if (cached != null && now.isBefore(cached.expires())) {
      return cached.grant();
    }
    Optional<TokenGrant> grant = store.find(hash);
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear(); // crude but bounded: a flood of bad tokens cannot grow memory
    }
    entries.put(hash, new Entry(grant, now.plus(grant.isPresent() ? ttl : negativeTtl)));
    return grant;
  }
}
