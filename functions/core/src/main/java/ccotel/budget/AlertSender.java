package ccotel.budget;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Delivers one queued alert, apart from counting: publishes it (alarm topic, or locally {@code
 * alerts.jsonl}), then POSTs it, signed, to the connection's webhook if it has one. A webhook that
 * fails is tried again after a growing delay (the alert queue's message delay), {@value
 * #MAX_ATTEMPTS} times in all; then the alert is marked failed with the last error, for {@code
 * ccotel budget alerts}. Each step is marked on the alert record, so a second delivery of the
 * message does nothing done already; a crash between a step and its mark repeats that step once
 * (the webhook's {@code X-Ccotel-Alert-Id} lets a receiver drop the repeat).
 */
public final class AlertSender {

  public static final int MAX_ATTEMPTS = 4;

  /** Connect and answer timeouts of a webhook POST: a slow receiver must not hold the sender. */
  public static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(5);

  /** The retry delays' unit: tries after 1, 4 and 16 of these (SQS delays go up to 15 min). */
  public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(30);

  private final BudgetStore store;
  private final AlertSink sink;
  private final AlertQueue retries;
  private final Clock clock;
  private final Duration timeout;
  private final Duration backoff;
  private final HttpClient http;

  public AlertSender(BudgetStore store, AlertSink sink, AlertQueue retries, Clock clock) {
    this(store, sink, retries, clock, WEBHOOK_TIMEOUT, DEFAULT_BACKOFF);
  }

  public AlertSender(
      BudgetStore store,
      AlertSink sink,
      AlertQueue retries,
      Clock clock,
      Duration timeout,
      Duration backoff) {
    this.store = store;
    this.sink = sink;
    this.retries = retries;
    this.clock = clock;
    this.timeout = timeout;
    this.backoff = backoff;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Delivers the alert as far as it can. Throws when publishing failed (the queue then delivers the
   * message again); a failed webhook is retried through the queue instead.
   */
  public void send(AlertKey key) throws Exception {
    Optional<Alert> found = store.alert(key);
    if (found.isEmpty() || found.get().delivery() != Alert.Delivery.PENDING) {
      return;
    }
    Alert alert = found.get();
    if (!alert.published()) {
      sink.publish(alert);
      store.markPublished(key);
    }
    Optional<Budget> budget = store.budget(key.connectionId());
    if (budget.isEmpty() || budget.get().webhook().isEmpty()) {
      store.markDelivered(key); // no webhook (any more): published is delivered
      return;
    }
    Optional<String> error =
        post(budget.get().webhook().get(), budget.get().webhookSecret().get(), alert);
    if (error.isEmpty()) {
      store.markDelivered(key);
      return;
    }
    int attempts = alert.attempts() + 1;
    boolean givenUp = attempts >= MAX_ATTEMPTS;
    store.recordFailure(key, attempts, error.get(), givenUp);
    if (!givenUp) {
      retries.enqueue(key, retryDelay(attempts));
    }
  }

  /** 1, 4, 16... backoff units after the first, second, third failure. */
  Duration retryDelay(int failures) {
    return backoff.multipliedBy(1L << (2 * Math.min(failures - 1, 8)));
  }

  /** POSTs the signed alert; empty when the webhook took it (2xx), else what went wrong. */
  private Optional<String> post(URI webhook, String secret, Alert alert) {
    String body = alert.json();
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    HttpRequest request =
        HttpRequest.newBuilder(webhook)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header(WebhookSignature.TIMESTAMP_HEADER, timestamp)
            .header(
                WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, timestamp, body))
            .header(WebhookSignature.ALERT_ID_HEADER, alert.key().id())
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      return response.statusCode() / 100 == 2
          ? Optional.empty()
          : Optional.of("the webhook answered HTTP " + response.statusCode());
    } catch (java.net.http.HttpTimeoutException e) {
      return Optional.of("the webhook did not answer within " + timeout.toMillis() + " ms");
    } catch (java.io.IOException e) {
      return Optional.of("the webhook could not be reached: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }
}
