package ccotel.auth;

/** An admin command named a connection or token that does not exist. */
public final class UnknownConnectionException extends Exception {
  private static final long serialVersionUID = 1L;

  public UnknownConnectionException(String message) {
    super(message);
  }
}
