package ccotel.views;

import ccotel.usage.UserIdentity;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A connection's pseudonyms: {@code p_} and 16 hex digits of HMAC-SHA256 over the actor's kind and
 * value, keyed with the connection's secret key. The same actor gets the same pseudonym in every
 * answer of the connection; without the key nobody can test a guessed e-mail against one, and other
 * connections (other keys) give the same person another pseudonym.
 */
public final class Pseudonyms {

  private static final String ALGORITHM = "HmacSHA256";

  /** 64 bits: collisions stay out of reach for any organisation's number of actors. */
  private static final int HEX_DIGITS = 16;

  private final SecretKeySpec key;

  public Pseudonyms(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("a pseudonym key needs at least 128 bits");
    }
    this.key = new SecretKeySpec(key, ALGORITHM);
  }

  public String of(UserIdentity actor) {
    Mac mac;
    try {
      mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JDK has " + ALGORITHM, e);
    }
    byte[] digest =
        mac.doFinal(
            (actor.kind().name().toLowerCase(Locale.ROOT) + ":" + actor.value())
                .getBytes(StandardCharsets.UTF_8));
    return "p_" + HexFormat.of().formatHex(digest).substring(0, HEX_DIGITS);
  }
}
