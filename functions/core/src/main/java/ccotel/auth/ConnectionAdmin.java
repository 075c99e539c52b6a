package ccotel.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Creates connections and manages their tokens. New token values are returned once, never stored.
 */
public final class ConnectionAdmin {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

  /**
   * The longest a rotated-out token keeps working: time enough to roll new settings out to every
   * machine, short enough that a forgotten token does not live on for good.
   */
  public static final Duration MAX_OVERLAP = Duration.ofDays(30);

  private final ConnectionRegistry registry;
  private final Clock clock;

  public ConnectionAdmin(ConnectionRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** A new connection with the only copies of its first tokens. */
  public record NewConnection(
      Connection connection, SecretToken ingestToken, SecretToken readToken) {}

  /** A connection and how many tokens of each scope still work. */
  public record ConnectionSummary(
      Connection connection, int activeIngestTokens, int activeReadTokens) {}

  public NewConnection create(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a connection needs a name");
    }
    Instant now = clock.instant();
    Connection connection = new Connection(newConnectionId(), name.trim(), now);
    SecretToken ingest = SecretToken.generate(TokenScope.INGEST);
    SecretToken read = SecretToken.generate(TokenScope.READ);
    registry.create(
        connection,
        List.of(stored(ingest, connection.id(), now), stored(read, connection.id(), now)));
    return new NewConnection(connection, ingest, read);
  }

  public List<ConnectionSummary> list() {
    Instant now = clock.instant();
    List<ConnectionSummary> summaries = new ArrayList<>();
    for (Connection connection : registry.list()) {
      int ingest = 0;
      int read = 0;
      for (StoredToken token : registry.tokensOf(connection.id())) {
        if (token.isActiveAt(now)) {
          if (token.scope() == TokenScope.INGEST) {
            ingest++;
          } else {
            read++;
          }
        }
      }
      summaries.add(new ConnectionSummary(connection, ingest, read));
    }
    return summaries;
  }

  /**
   * Issues a new token of {@code scope}; the connection's other active tokens of that scope stop
   * working after {@code overlap} (zero: at once), so clients can be moved over without a gap.
   *
   * @throws IllegalArgumentException if {@code overlap} is negative or longer than {@link
   *     #MAX_OVERLAP}; nothing is written then
   */
  public SecretToken rotate(String connectionId, TokenScope scope, Duration overlap)
      throws UnknownConnectionException {
    requireOverlap(overlap);
    requireConnection(connectionId);
    Instant now = clock.instant();
    SecretToken fresh = SecretToken.generate(scope);
    registry.addToken(stored(fresh, connectionId, now));
    for (StoredToken token : registry.tokensOf(connectionId)) {
      if (token.scope() == scope && token.isActiveAt(now) && !token.hash().matches(fresh.hash())) {
        registry.expireToken(token.hash(), now.plus(overlap));
      }
    }
    return fresh;
  }

  /** Revokes every active token of the given scopes at once. Returns how many were revoked. */
  public int revokeAll(String connectionId, List<TokenScope> scopes)
      throws UnknownConnectionException {
    requireConnection(connectionId);
    Instant now = clock.instant();
    int revoked = 0;
    for (StoredToken token : registry.tokensOf(connectionId)) {
      if (scopes.contains(token.scope()) && token.isActiveAt(now)) {
        registry.expireToken(token.hash(), now);
        revoked++;
      }
    }
    return revoked;
  }

  /** Revokes one token, given its value. */
  public void revoke(String connectionId, String tokenValue) throws UnknownConnectionException {
    requireConnection(connectionId);
    TokenHash hash = TokenHash.of(tokenValue);
    Optional<StoredToken> token =
        registry.tokensOf(connectionId).stream().filter(t -> t.hash().matches(hash)).findFirst();
    if (token.isEmpty()) {
      throw new UnknownConnectionException("connection " + connectionId + " has no such token");
    }
    registry.expireToken(hash, clock.instant());
  }

  /** Checked before anything is written, so a rotation either completes or changes nothing. */
  public static void requireOverlap(Duration overlap) {
    if (overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
      throw new IllegalArgumentException(
          "the overlap must be from 0 to "
              + MAX_OVERLAP.toSeconds()
              + " seconds ("
              + MAX_OVERLAP.toDays()
              + " days), not "
              + overlap.toSeconds());
    }
  }

  public Connection requireConnection(String connectionId) throws UnknownConnectionException {
    return registry
        .find(connectionId)
        .orElseThrow(() -> new UnknownConnectionException("no connection " + connectionId));
  }

  private static StoredToken stored(SecretToken token, String connectionId, Instant now) {
    return new StoredToken(token.hash(), connectionId, token.scope(), now, Optional.empty());
  }

  // Short, unambiguous and not secret: ids appear in logs, URLs of dashboards and support tickets.
  private static String newConnectionId() {
    StringBuilder id = new StringBuilder("conn_");
    for (int i = 0; i < 16; i++) {
      id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
    }
    return id.toString().toLowerCase(Locale.ROOT);
  }
}
