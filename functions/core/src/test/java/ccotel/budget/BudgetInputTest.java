package ccotel.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BudgetInputTest {

  @Test
  void dollars_becomeExactNanoUsd() {
    assertEquals(25_000_000_000L, UsdAmount.parseDailyBudget("25"));
    assertEquals(12_500_000_000L, UsdAmount.parseDailyBudget(" 12.50 "));
    assertEquals(1L, UsdAmount.parseDailyBudget("0.000000001"));
    assertEquals(100_000_000_000_000L, UsdAmount.parseDailyBudget("100000"));
    assertEquals("12.5", UsdAmount.usd(12_500_000_000L).toPlainString());
    assertEquals("40", UsdAmount.usd(40_000_000_000L).toPlainString());
    assertEquals("0.000000001", UsdAmount.usd(1).toPlainString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-5",
        "0",
        "0.00",
        "abc",
        "",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "100000.01",
        "0.0000000001",
        "0x10",
        "12,5"
      })
  void badBudgets_areRefusedWithAReason(String text) {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> UsdAmount.parseDailyBudget(text));
    assertTrue(refused.getMessage().startsWith("--daily-cost-usd"), refused.getMessage());
  }

  @Test
  void webhooks_httpsAnywhere_httpOnlyToLoopbackOrWhenAllowed() {
    assertEquals(
        "https://hooks.example.com/x",
        WebhookUrls.check("https://hooks.example.com/x", false).toString());
    WebhookUrls.check("http://127.0.0.1:9000/hook", false);
    WebhookUrls.check("http://localhost/hook", false);
    WebhookUrls.check("http://[::1]:9000/hook", false);
    WebhookUrls.check("http://hooks.example.com/x", true);
    assertThrows(
        IllegalArgumentException.class,
        () -> WebhookUrls.check("http://hooks.example.com/x", false));
    assertThrows(
        IllegalArgumentException.class, () -> WebhookUrls.check("http://10.0.0.5/x", false));
    // A name that only resolves to loopback is not taken on trust: it could change.
    assertThrows(
        IllegalArgumentException.class,
        () -> WebhookUrls.check("http://localhost.example.com/x", false));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not a url",
        "hooks.example.com/x",
        "https://",
        "ftp://hooks.example.com/x",
        "https://user:pw@hooks.example.com/x",
        "file:///etc/passwd",
        "https:///path"
      })
  void malformedWebhooks_areRefused(String text) {
    assertThrows(IllegalArgumentException.class, () -> WebhookUrls.check(text, true));
  }
}
