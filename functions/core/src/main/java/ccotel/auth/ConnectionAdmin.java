package ccotel.auth;

import ccotel.usage.UserIdentity;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

  /**
   * A connection and how many tokens still work: shared ingest tokens, per-user ingest tokens, and
   * read tokens in all and by view.
   */
  public record ConnectionSummary(
      Connection connection,
      int activeIngestTokens,
      int activeUserTokens,
      Map<ReadView, Integer> activeReadTokensByView) {

    public int activeReadTokens() {
      return activeReadTokensByView.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** A per-user ingest token as admins see it: never its value, only a short non-secret id. */
  public record UserTokenInfo(
      String email,
      Optional<String> name,
      String tokenId,
      Instant createdAt,
      Optional<Instant> expiresAt,
      boolean active) {}

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
        PseudonymKey.generate(),
        List.of(stored(ingest, connection.id(), now), stored(read, connection.id(), now)));
    return new NewConnection(connection, ingest, read);
  }

  public List<ConnectionSummary> list() {
    Instant now = clock.instant();
    List<ConnectionSummary> summaries = new ArrayList<>();
    for (Connection connection : registry.list()) {
      int ingest = 0;
      int user = 0;
      Map<ReadView, Integer> read = new EnumMap<>(ReadView.class);
      for (ReadView view : ReadView.values()) {
        read.put(view, 0);
      }
      for (StoredToken token : registry.tokensOf(connection.id())) {
        if (!token.isActiveAt(now)) {
          continue;
        }
        if (token.scope() == TokenScope.READ) {
          read.merge(token.view(), 1, Integer::sum);
        } else if (token.isPerUser()) {
          user++;
        } else {
          ingest++;
        }
      }
      summaries.add(new ConnectionSummary(connection, ingest, user, Map.copyOf(read)));
    }
    return summaries;
  }

  /**
   * A further read token with {@code view}. A pseudonymous one first gives a connection made before
   * pseudonym keys existed its key, so its pseudonyms are keyed from the first answer on.
   */
  public SecretToken addReadToken(String connectionId, ReadView view)
      throws UnknownConnectionException {
    requireConnection(connectionId);
    if (view == ReadView.PSEUDONYMOUS && registry.pseudonymKey(connectionId).isEmpty()) {
      registry.addPseudonymKeyIfAbsent(connectionId, PseudonymKey.generate());
    }
    SecretToken token = SecretToken.generate(TokenScope.READ);
    registry.addToken(
        new StoredToken(
            token.hash(),
            connectionId,
            TokenScope.READ,
            clock.instant(),
            Optional.empty(),
            view,
            Optional.empty(),
            Optional.empty()));
    return token;
  }

  /** Revokes every active read token with {@code view} at once. Returns how many. */
  public int revokeReadTokens(String connectionId, ReadView view)
      throws UnknownConnectionException {
    requireConnection(connectionId);
    Instant now = clock.instant();
    int revoked = 0;
    for (StoredToken token : registry.tokensOf(connectionId)) {
      if (token.scope() == TokenScope.READ && token.view() == view && token.isActiveAt(now)) {
        registry.expireToken(token.hash(), now);
        revoked++;
      }
    }
    return revoked;
  }

  /**
   * A per-user ingest token: everything sent with it counts for {@code email} (normalized by {@link
   * UserEmail#normalize}), whatever the payload says. The user's other tokens keep working.
   *
   * @throws IllegalArgumentException for an address {@link UserEmail} refuses; nothing is written
   */
  public SecretToken issueUserToken(String connectionId, String email, Optional<String> name)
      throws UnknownConnectionException {
    String normalized = UserEmail.normalize(email);
    Optional<String> displayName = displayName(name);
    requireConnection(connectionId);
    return addUserToken(connectionId, normalized, displayName);
  }

  /** Every per-user token of the connection, oldest first, with its user and state. */
  public List<UserTokenInfo> userTokens(String connectionId) throws UnknownConnectionException {
    requireConnection(connectionId);
    Instant now = clock.instant();
    List<UserTokenInfo> tokens = new ArrayList<>();
    for (StoredToken token : registry.tokensOf(connectionId)) {
      if (token.isPerUser()) {
        tokens.add(
            new UserTokenInfo(
                token.userEmail().get(),
                token.userName(),
                token.hash().shortId(),
                token.createdAt(),
                token.expiresAt(),
                token.isActiveAt(now)));
      }
    }
    return tokens;
  }

  /**
   * A new token for a user who has one; that user's other active tokens stop after {@code overlap}.
   * The new token keeps the newest display name the user was given.
   *
   * @throws UnknownConnectionException if the connection has never issued a token to {@code email}
   */
  public SecretToken rotateUserToken(String connectionId, String email, Duration overlap)
      throws UnknownConnectionException {
    requireOverlap(overlap);
    String normalized = UserEmail.normalize(email);
    requireConnection(connectionId);
    List<StoredToken> tokens = userTokensOf(connectionId, normalized);
    Optional<String> name = tokens.get(tokens.size() - 1).userName();
    Instant now = clock.instant();
    SecretToken fresh = addUserToken(connectionId, normalized, name);
    for (StoredToken token : tokens) {
      if (token.isActiveAt(now)) {
        registry.expireToken(token.hash(), now.plus(overlap));
      }
    }
    return fresh;
  }

  /**
   * Revokes all of a user's tokens at once. Returns how many were still active.
   *
   * @throws UnknownConnectionException if the connection has never issued a token to {@code email}
   */
  public int revokeUserTokens(String connectionId, String email) throws UnknownConnectionException {
    String normalized = UserEmail.normalize(email);
    requireConnection(connectionId);
    Instant now = clock.instant();
    int revoked = 0;
    for (StoredToken token : userTokensOf(connectionId, normalized)) {
      if (token.isActiveAt(now)) {
        registry.expireToken(token.hash(), now);
        revoked++;
      }
    }
    return revoked;
  }

  private List<StoredToken> userTokensOf(String connectionId, String email)
      throws UnknownConnectionException {
    List<StoredToken> tokens =
        registry.tokensOf(connectionId).stream()
            .filter(t -> t.userEmail().equals(Optional.of(email)))
            .toList();
    if (tokens.isEmpty()) {
      throw new UnknownConnectionException(
          "connection " + connectionId + " has issued no token to that e-mail");
    }
    return tokens;
  }

  private SecretToken addUserToken(String connectionId, String email, Optional<String> name) {
    SecretToken token = SecretToken.generate(TokenScope.INGEST);
    registry.addToken(
        new StoredToken(
            token.hash(),
            connectionId,
            TokenScope.INGEST,
            clock.instant(),
            Optional.empty(),
            ReadView.FULL,
            Optional.of(email),
            name));
    return token;
  }

  /** The longest display name kept: a name, not a document. */
  public static final int MAX_NAME_CHARS = 200;

  private static Optional<String> displayName(Optional<String> name) {
    Optional<String> trimmed = name.map(String::trim).filter(n -> !n.isEmpty());
    if (trimmed.isPresent()
        && (trimmed.get().length() > MAX_NAME_CHARS || !UserIdentity.isPrintable(trimmed.get()))) {
      throw new IllegalArgumentException(
          "a user's name must be printable and at most " + MAX_NAME_CHARS + " characters");
    }
    return trimmed;
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
    return rotate(connectionId, scope, ReadView.FULL, overlap);
  }

  /**
   * As {@link #rotate(String, TokenScope, Duration)}, for the read tokens of one {@code view} (the
   * new one has it too). Per-user ingest tokens are never touched: {@code user ...} commands manage
   * them.
   */
  public SecretToken rotate(String connectionId, TokenScope scope, ReadView view, Duration overlap)
      throws UnknownConnectionException {
    requireOverlap(overlap);
    requireConnection(connectionId);
    ReadView rotatedView = scope == TokenScope.READ ? view : ReadView.FULL;
    if (rotatedView == ReadView.PSEUDONYMOUS && registry.pseudonymKey(connectionId).isEmpty()) {
      registry.addPseudonymKeyIfAbsent(connectionId, PseudonymKey.generate());
    }
    Instant now = clock.instant();
    SecretToken fresh = SecretToken.generate(scope);
    registry.addToken(
        new StoredToken(
            fresh.hash(),
            connectionId,
            scope,
            now,
            Optional.empty(),
            rotatedView,
            Optional.empty(),
            Optional.empty()));
    for (StoredToken token : registry.tokensOf(connectionId)) {
      if (token.scope() == scope
          && !token.isPerUser()
          && token.view() == rotatedView
          && token.isActiveAt(now)
          && !token.hash().matches(fresh.hash())) {
        registry.expireToken(token.hash(), now.plus(overlap));
      }
    }
    return fresh;
  }

  /**
   * Revokes every active connection-wide token of the given scopes (read tokens of every view) at
   * once; per-user ingest tokens are left to {@code user revoke-token}. Returns how many were
   * revoked.
   */
  public int revokeAll(String connectionId, List<TokenScope> scopes)
      throws UnknownConnectionException {
    requireConnection(connectionId);
    Instant now = clock.instant();
    int revoked = 0;
    for (StoredToken token : registry.tokensOf(connectionId)) {
      if (scopes.contains(token.scope()) && !token.isPerUser() && token.isActiveAt(now)) {
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
