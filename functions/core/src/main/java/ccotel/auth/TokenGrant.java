package ccotel.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * What a valid token grants: access of one scope to one connection's data.
 *
 * @param view what a read token may see ({@link ReadView#FULL} for ingest tokens)
 * @param userEmail for a per-user ingest token, the lower-cased e-mail everything it sends counts
 *     for, whatever the payload says
 */
public record TokenGrant(
    String connectionId, TokenScope scope, ReadView view, Optional<String> userEmail) {

  public TokenGrant {
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(userEmail, "userEmail");
  }

  /** A connection-wide token that sees everything of its scope. */
  public TokenGrant(String connectionId, TokenScope scope) {
    this(connectionId, scope, ReadView.FULL, Optional.empty());
  }
}
