package ccotel.otlp;

// TEMPORARY STUB until the JSON decoder lands.
public final class MalformedOtlpException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedOtlpException(String message) {
    super(message);
  }

  public MalformedOtlpException(String message, Throwable cause) {
    super(message, cause);
  }
}
