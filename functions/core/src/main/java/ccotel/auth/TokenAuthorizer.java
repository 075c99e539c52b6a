package ccotel.auth;

import java.util.Optional;

/** Decides what an {@code Authorization} header may do, for ingest and query alike. */
public final class TokenAuthorizer {

  private final ConnectionLookup lookup;

  public TokenAuthorizer(ConnectionLookup lookup) {
    this.lookup = lookup;
  }

  /** The verdict on one request. */
  /** {@code grant} is present exactly when the verdict is {@link Verdict#GRANTED}. */
  public record Authorization(Verdict verdict, Optional<TokenGrant> grant, String message) {
    public boolean granted() {
      return verdict == Verdict.GRANTED;
    }

    /** The granted connection, or "" when nothing was granted. */
    public String connectionId() {
      return grant.map(TokenGrant::connectionId).orElse("");
    }
  }

  /** Each verdict maps to one HTTP status: 200-path, 401, 403, 503. */
  public enum Verdict {
    GRANTED,
    UNAUTHENTICATED,
    WRONG_SCOPE,
    UNAVAILABLE
  }

  public Authorization authorize(Optional<String> authorizationHeader, TokenScope required) {
    Optional<String> token = BearerToken.from(authorizationHeader);
    if (token.isEmpty()) {
      return denied(
          Verdict.UNAUTHENTICATED,
          "missing or malformed Authorization header: expected 'Bearer <token>'");
    }
    Optional<TokenGrant> grant;
    try {
      grant = lookup.find(TokenHash.of(token.get()));
    } catch (TokenStoreUnavailableException e) {
      return denied(Verdict.UNAVAILABLE, "token store unavailable, retry later");
    }
    if (grant.isEmpty()) {
      return denied(Verdict.UNAUTHENTICATED, "unknown, revoked or expired token");
    }
    if (grant.get().scope() != required) {
      return denied(
          Verdict.WRONG_SCOPE,
          "this is a "
              + grant.get().scope().label()
              + " token; this endpoint needs a "
              + required.label()
              + " token");
    }
    return new Authorization(Verdict.GRANTED, grant, "");
  }

  private static Authorization denied(Verdict verdict, String message) {
    return new Authorization(verdict, Optional.empty(), message);
  }
}
