package ccotel.auth;

import java.time.Instant;
import java.util.Optional;

/**
 * A token as stored: its hash, never its value.
 *
 * @param expiresAt when it stops working: set at revocation (now) or rotation (now + overlap)
 */
public record StoredToken(
    TokenHash hash,
    String connectionId,
    TokenScope scope,
    Instant createdAt,
    Optional<Instant> expiresAt) {

  public boolean isActiveAt(Instant instant) {
    return expiresAt.isEmpty() || instant.isBefore(expiresAt.get());
  }
}
