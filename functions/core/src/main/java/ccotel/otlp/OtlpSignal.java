package ccotel.otlp;

import java.util.Optional;

/** The OTLP signals Claude Code exports, with the path suffix OTLP/HTTP gives each. */
public enum OtlpSignal {
  METRICS("/v1/metrics"),
  LOGS("/v1/logs");

  private final String pathSuffix;

  OtlpSignal(String pathSuffix) {
    this.pathSuffix = pathSuffix;
  }

  public String pathSuffix() {
    return pathSuffix;
  }

  /** "metrics" or "logs", as in the path. */
  public String label() {
    return pathSuffix.substring("/v1/".length());
  }

  /** The signal whose OTLP path is {@code base + suffix}, if {@code path} is one. */
  public static Optional<OtlpSignal> forPath(String base, String path) {
    for (OtlpSignal signal : values()) {
      if (path.equals(base + signal.pathSuffix)) {
        return Optional.of(signal);
      }
    }
    return Optional.empty();
  }
}
