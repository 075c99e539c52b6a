package ccotel.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A token as stored: its hash, never its value.
 *
 * @param expiresAt when it stops working: set at revocation (now) or rotation (now + overlap)
 * @param view what a read token may see; {@link ReadView#FULL} for ingest tokens, and for tokens
 *     stored before views existed
 * @param userEmail for a per-user ingest token, the lower-cased e-mail it sends for
 * @param userName that user's display name, if the admin gave one
 */
public record StoredToken(
    TokenHash hash,
    String connectionId,
    TokenScope scope,
    Instant createdAt,
    Optional<Instant> expiresAt,
    ReadView view,
    Optional<String> userEmail,
    Optional<String> userName) {

  public StoredToken {
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(userEmail, "userEmail");
    Objects.requireNonNull(userName, "userName");
    if (userEmail.isPresent() && scope != TokenScope.INGEST) {
      throw new IllegalArgumentException("only ingest tokens are bound to a user");
    }
  }

  /** A connection-wide token with the full view. */
  public StoredToken(
      TokenHash hash,
      String connectionId,
      TokenScope scope,
      Instant createdAt,
      Optional<Instant> expiresAt) {
    this(
        hash,
        connectionId,
        scope,
        createdAt,
        expiresAt,
        ReadView.FULL,
        Optional.empty(),
        Optional.empty());
  }

  public boolean isActiveAt(Instant instant) {
    return expiresAt.isEmpty() || instant.isBefore(expiresAt.get());
  }

  /** Whether this is a per-user ingest token (managed with {@code user ...} commands). */
  public boolean isPerUser() {
    return userEmail.isPresent();
  }

  /** The same token, ending at {@code at}. */
  public StoredToken expiringAt(Instant at) {
    return new StoredToken(
        hash, connectionId, scope, createdAt, Optional.of(at), view, userEmail, userName);
  }

  /** What the token grants while it is active. */
  public TokenGrant grant() {
    return new TokenGrant(connectionId, scope, view, userEmail);
  }
}
