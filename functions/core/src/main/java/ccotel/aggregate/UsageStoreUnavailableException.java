package ccotel.aggregate;

/** The usage store cannot be reached or throttles us; the work must be retried later. */
public final class UsageStoreUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public UsageStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
