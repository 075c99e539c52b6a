package ccotel.cloudwatch;

import ccotel.metrics.ServiceMetrics;
import java.io.PrintStream;
import java.time.Clock;

/**
 * The service's metrics as CloudWatch embedded metric format: one JSON line per report on stdout,
 * which Lambda sends to CloudWatch Logs and CloudWatch turns into metrics, with no API call and no
 * client on the request path. Counts are written as 0 when nothing happened, so a Sum over a period
 * is the period's total and an alarm sees data, not gaps.
 */
public final class EmfServiceMetrics implements ServiceMetrics {

  /** The metrics' namespace; the stack's alarms read it. */
  public static final String NAMESPACE = "ccotel";

  /** The one dimension, so that every line of every function lands in the same metric. */
  public static final String DIMENSION = "Service";

  public static final String SERVICE = "ccotel";

  public static final String EXPORTS_ACCEPTED = "ExportsAccepted";
  public static final String EXPORTS_REJECTED = "ExportsRejected";
  public static final String EXPORTS_UNAVAILABLE = "ExportsUnavailable";
  public static final String MESSAGES = "MessagesAggregated";
  public static final String PARTS_COUNTED = "PartsCounted";
  public static final String PARTS_ALREADY_COUNTED = "PartsAlreadyCounted";
  public static final String RECORDS_REJECTED = "RecordsRejected";
  public static final String MESSAGE_FAILURES = "MessageFailures";
  public static final String MESSAGES_DEAD_LETTERED = "MessagesDeadLettered";
  public static final String AGGREGATION_LAG = "AggregationLag";

  private final PrintStream out;
  private final Clock clock;

  public EmfServiceMetrics(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  @Override
  public void ingested(int status) {
    Line line = new Line();
    line.count(EXPORTS_ACCEPTED, status == 200 ? 1 : 0);
    line.count(EXPORTS_REJECTED, status >= 400 && status < 500 ? 1 : 0);
    line.count(EXPORTS_UNAVAILABLE, status >= 500 ? 1 : 0);
    write(line);
  }

  @Override
  public void aggregated(Batch batch) {
    Line line = new Line();
    line.count(MESSAGES, batch.messages());
    line.count(PARTS_COUNTED, batch.partsCounted());
    line.count(PARTS_ALREADY_COUNTED, batch.partsAlreadyCounted());
    line.count(RECORDS_REJECTED, batch.recordsRejected());
    line.count(MESSAGE_FAILURES, batch.messageFailures());
    line.count(MESSAGES_DEAD_LETTERED, batch.messagesDeadLettered());
    if (batch.oldestLagMillis() >= 0) {
      line.value(AGGREGATION_LAG, batch.oldestLagMillis(), "Milliseconds");
    }
    write(line);
  }

  private void write(Line line) {
    // One println per line: Lambda ships each stdout line as one log event, which EMF needs.
    out.println(
        "{\"_aws\":{\"Timestamp\":"
            + clock.millis()
            + ",\"CloudWatchMetrics\":[{\"Namespace\":\""
            + NAMESPACE
            + "\",\"Dimensions\":[[\""
            + DIMENSION
            + "\"]],\"Metrics\":["
            + line.definitions
            + "]}]},\""
            + DIMENSION
            + "\":\""
            + SERVICE
            + "\""
            + line.values
            + "}");
  }

  /** Metric definitions and values; names are the constants above, so nothing needs escaping. */
  private static final class Line {
    private final StringBuilder definitions = new StringBuilder();
    private final StringBuilder values = new StringBuilder();

    void count(String name, long value) {
      value(name, value, "Count");
    }

    void value(String name, long value, String unit) {
      if (definitions.length() > 0) {
        definitions.append(',');
      }
      definitions.append("{\"Name\":\"").append(name).append("\",\"Unit\":\"").append(unit);
      definitions.append("\"}");
      values.append(",\"").append(name).append("\":").append(value);
    }
  }
}
