package ccotel.budget;

import ccotel.usage.UsageKey;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;

/**
 * A raised alert and how far its delivery got.
 *
 * @param costNanoUsd the user-day's cost when the alert was raised (it may grow after)
 * @param queued whether the aggregator handed it to the alert queue
 * @param published whether it went to the alarm topic, or locally to {@code alerts.jsonl}
 * @param attempts webhook POSTs that failed so far
 * @param lastError why the last one failed
 */
public record Alert(
    AlertKey key,
    long costNanoUsd,
    long budgetNanoUsd,
    Instant raisedAt,
    boolean queued,
    boolean published,
    Delivery delivery,
    int attempts,
    Optional<String> lastError) {

  /** Where the delivery stands. */
  public enum Delivery {
    /** Not yet delivered: waiting for its first try, or retrying (attempts > 0). */
    PENDING,
    /** Published, and the webhook (if any) answered 2xx. */
    DELIVERED,
    /** The webhook failed every try; published all the same. */
    FAILED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A new alert, not queued yet. */
  public static Alert raised(AlertKey key, long costNanoUsd, long budgetNanoUsd, Instant at) {
    return new Alert(
        key, costNanoUsd, budgetNanoUsd, at, false, false, Delivery.PENDING, 0, Optional.empty());
  }

  public UsageKey userDay() {
    return key.userDay();
  }

  /** "pending", "retrying", "delivered" or "failed". */
  public String state() {
    return delivery == Delivery.PENDING && attempts > 0 ? "retrying" : delivery.label();
  }

  /**
   * The alert as CONTRACT §8 gives it: {@code {"connectionId", "date", "email", "cost_usd",
   * "budget_usd"}}, one line. {@code email} is the user as counted: the e-mail, else the account or
   * user id Claude Code sent.
   */
  public String json() {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(text)) {
      json.writeStartObject();
      json.writeStringField("connectionId", key.connectionId());
      json.writeStringField("date", key.userDay().day().toString());
      json.writeStringField("email", key.userDay().user().value());
      json.writeNumberField("cost_usd", UsdAmount.usd(costNanoUsd));
      json.writeNumberField("budget_usd", UsdAmount.usd(budgetNanoUsd));
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
