package ccotel.otlp;

/**
 * A body that is not the signal's OTLP request. The message goes back to the client in a 400
 * answer, so it says what is wrong and where.
 */
public final class MalformedOtlpException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedOtlpException(String message) {
    super(message);
  }

  public MalformedOtlpException(String message, Throwable cause) {
    super(message, cause);
  }
}
