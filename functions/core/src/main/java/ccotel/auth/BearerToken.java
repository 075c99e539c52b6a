package ccotel.auth;

import java.util.Optional;

/** Reads the token of an {@code Authorization: Bearer <token>} header. */
public final class BearerToken {

  private static final String SCHEME = "bearer";

  private BearerToken() {}

  /** The token, if the header uses the Bearer scheme (compared case-insensitively) with a value. */
  public static Optional<String> from(Optional<String> authorization) {
    if (authorization.isEmpty()) {
      return Optional.empty();
    }
    String header = authorization.get().trim();
    if (header.length() <= SCHEME.length()
        || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || !Character.isWhitespace(header.charAt(SCHEME.length()))) {
      return Optional.empty();
    }
    String token = header.substring(SCHEME.length()).trim();
    return token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)
        ? Optional.empty()
        : Optional.of(token);
  }
}
