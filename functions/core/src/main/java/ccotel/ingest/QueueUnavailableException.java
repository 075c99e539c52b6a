package ccotel.ingest;

/** The queue did not take the export; the client must retry it. */
public final class QueueUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public QueueUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
