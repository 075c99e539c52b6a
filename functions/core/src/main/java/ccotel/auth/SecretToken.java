package ccotel.auth;

import java.security.SecureRandom;
import java.util.Base64;

/** A newly generated token: shown to its owner once, then only its hash is kept. */
public record SecretToken(TokenScope scope, String value) {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int RANDOM_BYTES = 32; // 256 bits

  public static SecretToken generate(TokenScope scope) {
    byte[] random = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(random);
    return new SecretToken(
        scope, scope.prefix() + Base64.getUrlEncoder().withoutPadding().encodeToString(random));
  }

  public TokenHash hash() {
    return TokenHash.of(value);
  }

  @Override
  public String toString() {
    return "SecretToken[" + scope.label() + "]"; // never log the secret
  }
}
