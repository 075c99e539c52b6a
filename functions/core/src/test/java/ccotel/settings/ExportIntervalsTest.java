package ccotel.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExportIntervalsTest {

  private static ExportIntervals of(long metricsMillis, long logsMillis) {
    return new ExportIntervals(Duration.ofMillis(metricsMillis), Duration.ofMillis(logsMillis));
  }

  @Test
  void default_isFiveMinutesForBoth() {
    assertEquals(
        Map.of("OTEL_METRIC_EXPORT_INTERVAL", "300000", "OTEL_LOGS_EXPORT_INTERVAL", "300000"),
        ExportIntervals.DEFAULT.env());
  }

  @Test
  void oneDuration_setsBothSignals_inEveryUnit() {
    assertEquals(of(60_000, 60_000), ExportIntervals.parse("60s"));
    assertEquals(of(1_500, 1_500), ExportIntervals.parse("1500ms"));
    assertEquals(of(300_000, 300_000), ExportIntervals.parse("5m"));
    assertEquals(of(3_600_000, 3_600_000), ExportIntervals.parse(" 1H "));
  }

  @Test
  void eachSignal_canBeGiven_andOneLeftOutKeepsItsDefault() {
    assertEquals(of(300_000, 60_000), ExportIntervals.parse("metrics=300s,logs=60s"));
    assertEquals(of(300_000, 60_000), ExportIntervals.parse("logs=1m, metrics=5m"));
    assertEquals(of(120_000, 300_000), ExportIntervals.parse("metrics=2m"));
    assertEquals(of(300_000, 10_000), ExportIntervals.parse("logs=10s"));
  }

  @Test
  void env_isInMilliseconds() {
    assertEquals(
        Map.of("OTEL_METRIC_EXPORT_INTERVAL", "120000", "OTEL_LOGS_EXPORT_INTERVAL", "1500"),
        of(120_000, 1_500).env());
  }

  @Test
  void bounds_areOneSecondAndOneHour_inclusive() {
    assertEquals(of(1_000, 1_000), ExportIntervals.parse("1s"));
    assertEquals(of(3_600_000, 3_600_000), ExportIntervals.parse("3600s"));
    assertEquals(
        "metrics must be from 1s to 1h, not 999ms",
        assertThrows(IllegalArgumentException.class, () -> ExportIntervals.parse("999ms"))
            .getMessage());
    assertEquals(
        "logs must be from 1s to 1h, not 3601000ms",
        assertThrows(IllegalArgumentException.class, () -> ExportIntervals.parse("logs=3601s"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> ExportIntervals.parse("0s"));
    assertThrows(IllegalArgumentException.class, () -> ExportIntervals.parse("61m"));
    assertThrows(IllegalArgumentException.class, () -> ExportIntervals.parse("2h"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "60",
        "60sec",
        "-5s",
        "1.5s",
        "5 s",
        "s",
        "99999999999s",
        "metrics=",
        "metrics=60",
        "cpu=60s",
        "metrics=60s,",
        "metrics=60s,metrics=5s",
        "metrics=60s;logs=5s",
        "metrics:60s",
        "60s,logs=5s"
      })
  void anythingElse_isRejected_namingWhatIsWrong(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExportIntervals.parse(text));
    assertEquals(false, e.getMessage().isBlank());
  }

  @Test
  void aBadDuration_isQuotedWithItsSignal() {
    assertEquals(
        "'logs=5' is not a duration such as 300s, 5m or 1500ms (a whole number and ms, s, m or h)",
        assertThrows(IllegalArgumentException.class, () -> ExportIntervals.parse("logs=5"))
            .getMessage());
    assertEquals(
        "expected metrics=DURATION and/or logs=DURATION, each once, not 'traces=5s'",
        assertThrows(
                IllegalArgumentException.class, () -> ExportIntervals.parse("metrics=5s,traces=5s"))
            .getMessage());
  }
}
