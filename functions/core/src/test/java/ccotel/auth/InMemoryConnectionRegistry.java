package ccotel.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Connections and token hashes in memory; also the token lookup ingest and query use. */
public final class InMemoryConnectionRegistry implements ConnectionRegistry, ConnectionLookup {

  private final Clock clock;
  private final Map<String, Connection> connections = new LinkedHashMap<>();
  private final Map<TokenHash, StoredToken> tokens = new LinkedHashMap<>();
  private final Map<String, PseudonymKey> pseudonymKeys = new LinkedHashMap<>();

  public InMemoryConnectionRegistry(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void create(
      Connection connection, PseudonymKey pseudonymKey, List<StoredToken> newTokens) {
    connections.put(connection.id(), connection);
    pseudonymKeys.put(connection.id(), pseudonymKey);
    newTokens.forEach(this::addToken);
  }

  @Override
  public synchronized Optional<Connection> find(String connectionId) {
    return Optional.ofNullable(connections.get(connectionId));
  }

  @Override
  public synchronized List<Connection> list() {
    List<Connection> all = new ArrayList<>(connections.values());
    all.sort(Comparator.comparing(Connection::createdAt).thenComparing(Connection::id));
    return all;
  }

  @Override
  public synchronized List<StoredToken> tokensOf(String connectionId) {
    return tokens.values().stream().filter(t -> t.connectionId().equals(connectionId)).toList();
  }

  @Override
  public synchronized void addToken(StoredToken token) {
    tokens.put(token.hash(), token);
  }

  @Override
  public synchronized void expireToken(TokenHash hash, Instant at) {
    StoredToken token = tokens.get(hash);
    if (token != null && token.isActiveAt(at)) {
      tokens.put(hash, token.expiringAt(at));
    }
  }

  @Override
  public synchronized Optional<PseudonymKey> pseudonymKey(String connectionId) {
    return Optional.ofNullable(pseudonymKeys.get(connectionId));
  }

  @Override
  public synchronized boolean addPseudonymKeyIfAbsent(String connectionId, PseudonymKey key) {
    return connections.containsKey(connectionId)
        && pseudonymKeys.putIfAbsent(connectionId, key) == null;
  }

  /** A connection as one stored before pseudonym keys existed. */
  public synchronized void forgetPseudonymKey(String connectionId) {
    pseudonymKeys.remove(connectionId);
  }

  @Override
  public synchronized Optional<TokenGrant> find(TokenHash hash) {
    StoredToken token = tokens.get(hash);
    if (token == null || !token.isActiveAt(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(token.grant());
  }
}
