package ccotel.web;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * One file the dashboard is made of, as it is sent.
 *
 * @param contentType its media type
 * @param bytes its content
 * @param etag a strong entity tag: the start of the content's SHA-256, so it changes with the bytes
 */
// The bytes are read once at start and never changed or compared.
@SuppressWarnings("ArrayRecordComponent")
record WebAsset(String contentType, byte[] bytes, String etag) {

  /** 128 bits of the digest: collisions between two versions of one file are not a concern. */
  private static final int ETAG_BYTES = 16;

  static WebAsset of(String contentType, byte[] bytes) {
    return new WebAsset(contentType, bytes, etagOf(bytes));
  }

  private static String etagOf(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      byte[] start = java.util.Arrays.copyOf(digest, ETAG_BYTES);
      return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(start) + '"';
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
