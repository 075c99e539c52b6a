package ccotel.aggregate;

/**
 * The store refuses a write for good: it would take a user-day past what one may hold ({@link
 * DayLimits}), or DynamoDB rejects the item itself. Retrying the same export can never succeed, so
 * it is reported with its reason and ends in the dead-letter queue, where {@code dlq list} shows
 * it; the rest of its batch still counts.
 */
public final class UsageRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageRefusedException(String message) {
    super(message);
  }

  public UsageRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
