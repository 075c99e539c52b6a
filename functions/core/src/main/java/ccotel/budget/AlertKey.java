package ccotel.budget;

import ccotel.usage.UsageKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The one possible alert of a user-day of a connection. */
public record AlertKey(String connectionId, UsageKey userDay) {

  /**
   * The alert's id, sent as the webhook's idempotency header: the same for every delivery of the
   * alert, and naming nobody (a hash of connection, day and user).
   */
  public String id() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (connectionId
                          + '\n'
                          + userDay.day()
                          + '\n'
                          + userDay.user().kind()
                          + '\n'
                          + userDay.user().value())
                      .getBytes(StandardCharsets.UTF_8));
      return "alert_" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
