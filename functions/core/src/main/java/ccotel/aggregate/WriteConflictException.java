package ccotel.aggregate;

/**
 * Another writer got there first: a series no longer has the state we read, or a concurrent
 * transaction held an item we write. Nothing was written; read again and retry.
 */
public final class WriteConflictException extends Exception {
  private static final long serialVersionUID = 1L;

  public WriteConflictException(String message) {
    super(message);
  }
}
