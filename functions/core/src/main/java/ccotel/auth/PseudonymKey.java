package ccotel.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A connection's secret key for pseudonyms (CONTRACT §7): 32 random bytes, so a pseudonym cannot be
 * reversed by hashing guessed e-mails. Kept with the connection, never printed or logged.
 */
public final class PseudonymKey {

  public static final int BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] bytes;

  public PseudonymKey(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a pseudonym key has " + BYTES + " bytes");
    }
    this.bytes = bytes.clone();
  }

  public static PseudonymKey generate() {
    byte[] random = new byte[BYTES];
    RANDOM.nextBytes(random);
    return new PseudonymKey(random);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PseudonymKey key && MessageDigest.isEqual(bytes, key.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "PseudonymKey[…]"; // never log the key
  }
}
