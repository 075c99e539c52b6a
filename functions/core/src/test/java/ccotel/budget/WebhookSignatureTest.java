package ccotel.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

  private static final String BODY =
      "{\"connectionId\":\"conn_a\",\"date\":\"2026-11-24\",\"email\":\"dev@example.com\","
          + "\"cost_usd\":12.5,\"budget_usd\":10}";

  @Test
  void theSignature_isHmacSha256OfTimestampDotBody_andVerifies() throws Exception {
    String secret = Budget.newWebhookSecret();
    String signature = WebhookSignature.sign(secret, "1764000000", BODY);

    // Recomputed as a receiver would, from the README's recipe.
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected =
        "sha256="
            + HexFormat.of()
                .formatHex(mac.doFinal(("1764000000." + BODY).getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, signature);
    assertTrue(WebhookSignature.verify(secret, "1764000000", BODY, signature));
  }

  @Test
  void aWrongSecret_aChangedBody_orAnotherTimestamp_doNotVerify() {
    String secret = Budget.newWebhookSecret();
    String signature = WebhookSignature.sign(secret, "1764000000", BODY);
    assertFalse(WebhookSignature.verify(Budget.newWebhookSecret(), "1764000000", BODY, signature));
    assertFalse(WebhookSignature.verify(secret, "1764000000", BODY + " ", signature));
    assertFalse(WebhookSignature.verify(secret, "1764000001", BODY, signature));
    assertFalse(WebhookSignature.verify(secret, "1764000000", BODY, null));
  }

  @Test
  void secrets_areRandom256BitAndPrefixed() {
    String secret = Budget.newWebhookSecret();
    assertTrue(secret.startsWith("ccotel_whsec_"), secret);
    assertEquals("ccotel_whsec_".length() + 43, secret.length()); // 32 bytes, base64url
    assertNotEquals(secret, Budget.newWebhookSecret());
  }

  @Test
  void theAlertJson_hasTheContractShape_andExactAmounts() {
    Alert alert =
        Alert.raised(
            new AlertKey(
                "conn_a",
                new UsageKey(LocalDate.of(2026, 11, 24), UserIdentity.email("dev@example.com"))),
            12_500_000_001L,
            10_000_000_000L,
            Instant.parse("2026-11-24T10:00:00Z"));
    assertEquals(
        "{\"connectionId\":\"conn_a\",\"date\":\"2026-11-24\",\"email\":\"dev@example.com\","
            + "\"cost_usd\":12.500000001,\"budget_usd\":10}",
        alert.json());
    assertTrue(alert.key().id().matches("alert_[0-9a-f]{32}"), alert.key().id());
    assertFalse(alert.key().id().contains("dev"));
  }
}
