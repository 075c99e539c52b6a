package ccotel.auth;

/** The token store cannot answer now; the caller should be told to retry. */
public final class TokenStoreUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public TokenStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
