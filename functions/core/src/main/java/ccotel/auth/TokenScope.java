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

  public static TokenScope parse(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT));
  }
}
