package ccotel.auth;

import java.util.Locale;

/** What a token may do: push telemetry, or read usage. Never both. */
public enum TokenScope {
  INGEST("ccotel_ingest_"),
  READ("ccotel_read_");

  private final String prefix;

  TokenScope(String prefix) {
    this.prefix = prefix;
  }

  /** The recognisable start of every token of this scope, for secret scanners and humans. */
  public String prefix() {
    return prefix;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the scopes there are, for anything else
   */
  public static TokenScope parse(String label) {
    for (TokenScope scope : values()) {
      if (scope.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
        return scope;
      }
    }
    throw new IllegalArgumentException("unknown scope '" + label + "' (ingest or read)");
  }
}
