package ccotel.budget;

import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * A connection's daily cost budget per user, and where its alerts go besides the alarm topic or
 * {@code alerts.jsonl}.
 *
 * @param dailyNanoUsd the budget, integer nano-USD: a user-day costing more raises an alert
 * @param webhookSecret the HMAC key of the webhook's signatures: shown once, never logged
 */
public record Budget(
    String connectionId, long dailyNanoUsd, Optional<URI> webhook, Optional<String> webhookSecret) {

  static final String SECRET_PREFIX = "ccotel_whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  public Budget {
    if (dailyNanoUsd <= 0) {
      throw new IllegalArgumentException("a budget is more than 0");
    }
    if (webhook.isPresent() != webhookSecret.isPresent()) {
      throw new IllegalArgumentException("a webhook needs its secret, and a secret its webhook");
    }
  }

  /** A new webhook secret: 256 random bits. */
  public static String newWebhookSecret() {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  @Override
  public String toString() {
    return "Budget[" + connectionId + ", " + dailyNanoUsd + " nano-USD, webhook " + webhook + "]";
  }
}
