package ccotel.query;

/** A {@code page} value that no answer of ours produced. */
public final class InvalidCursorException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidCursorException(String message) {
    super(message);
  }
}
