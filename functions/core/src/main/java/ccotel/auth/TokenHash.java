package ccotel.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 (hex) of a token: the only form in which tokens are stored. Tokens carry 256 random bits,
 * so a fast unsalted hash is enough; lookups go by hash, so no secret is ever compared.
 */
public record TokenHash(String hex) {

  public static TokenHash of(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return new TokenHash(HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Equality in constant time, for the few places that compare hashes rather than look up. */
  public boolean matches(TokenHash other) {
    return MessageDigest.isEqual(
        hex.getBytes(StandardCharsets.US_ASCII), other.hex.getBytes(StandardCharsets.US_ASCII));
  }

  /** A short, non-secret handle for admins to tell tokens apart. */
  public String shortId() {
    return hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return "TokenHash[" + shortId() + "…]"; // never log a whole hash
  }
}
