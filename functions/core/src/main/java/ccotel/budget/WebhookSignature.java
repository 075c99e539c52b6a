package ccotel.budget;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook's signature: {@code X-Ccotel-Signature: sha256=<hex HMAC-SHA256(secret, timestamp +
 * "." + body)>}, the secret's UTF-8 bytes as key, the timestamp the {@code X-Ccotel-Timestamp}
 * header (epoch seconds), so a receiver can refuse replays of old requests.
 */
public final class WebhookSignature {

  public static final String SIGNATURE_HEADER = "X-Ccotel-Signature";
  public static final String TIMESTAMP_HEADER = "X-Ccotel-Timestamp";
  public static final String ALERT_ID_HEADER = "X-Ccotel-Alert-Id";

  private WebhookSignature() {}

  public static String sign(String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256="
          + HexFormat.of()
              .formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }

  /** Whether {@code signature} is the body's, compared in constant time. */
  public static boolean verify(String secret, String timestamp, String body, String signature) {
    return signature != null
        && MessageDigest.isEqual(
            sign(secret, timestamp, body).getBytes(StandardCharsets.UTF_8),
            signature.getBytes(StandardCharsets.UTF_8));
  }
}
