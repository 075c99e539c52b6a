package ccotel.settings;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How often Claude Code exports each signal ({@code OTEL_METRIC_EXPORT_INTERVAL} and {@code
 * OTEL_LOGS_EXPORT_INTERVAL}, milliseconds). ccotel pays per export and counts per user per day, so
 * the generated settings export far less often than Claude Code's own 60 s / 5 s
 * (docs/decisions.md, "Export intervals").
 */
public record ExportIntervals(Duration metrics, Duration logs) {

  public static final Duration MIN = Duration.ofSeconds(1);
  public static final Duration MAX = Duration.ofHours(1);

  /** What the generated settings carry unless told otherwise (declared after MIN and MAX). */
  public static final ExportIntervals DEFAULT =
      new ExportIntervals(Duration.ofSeconds(300), Duration.ofSeconds(300));

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,10})(ms|s|m|h)");

  public ExportIntervals {
    check("metrics", metrics);
    check("logs", logs);
  }

  /**
   * {@code 60s} (both signals) or {@code metrics=300s,logs=60s} (each; one left out keeps its
   * default). A duration is a whole number with a unit: {@code ms}, {@code s}, {@code m} or {@code
   * h}, from 1 s to 1 h.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ExportIntervals parse(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    if (!value.contains("=")) {
      Duration both = duration("", value);
      return new ExportIntervals(both, both);
    }
    Duration metrics = null;
    Duration logs = null;
    for (String part : value.split(",", -1)) {
      int equals = part.indexOf('=');
      String signal = equals < 0 ? part.strip() : part.substring(0, equals).strip();
      String given = equals < 0 ? "" : part.substring(equals + 1).strip();
      if (signal.equals("metrics") && metrics == null) {
        metrics = duration("metrics=", given);
      } else if (signal.equals("logs") && logs == null) {
        logs = duration("logs=", given);
      } else {
        throw new IllegalArgumentException(
            "expected metrics=DURATION and/or logs=DURATION, each once, not '"
                + part.strip()
                + "'");
      }
    }
    return new ExportIntervals(
        metrics == null ? DEFAULT.metrics : metrics, logs == null ? DEFAULT.logs : logs);
  }

  /** The two variables, in milliseconds as Claude Code reads them. */
  public Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OTEL_METRIC_EXPORT_INTERVAL", Long.toString(metrics.toMillis()));
    env.put("OTEL_LOGS_EXPORT_INTERVAL", Long.toString(logs.toMillis()));
    return env;
  }

  private static Duration duration(String prefix, String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + prefix
              + text
              + "' is not a duration such as 300s, 5m or 1500ms (a whole number and ms, s, m or h)");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }

  private static void check(String signal, Duration interval) {
    if (interval == null || interval.compareTo(MIN) < 0 || interval.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(
          signal
              + " must be from 1s to 1h, not "
              + (interval == null ? "missing" : interval.toMillis() + "ms"));
    }
  }
}
