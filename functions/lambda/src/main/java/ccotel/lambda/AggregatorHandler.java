package ccotel.lambda;

import ccotel.activity.Activity;
import ccotel.activity.ActivityRecorder;
import ccotel.aggregate.AggregationService;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.budget.BudgetWatch;
import ccotel.config.Config;
import ccotel.ingest.QueuedExport;
import ccotel.metrics.ServiceMetrics;
import ccotel.sqs.SqsExportMessages;
import ccotel.usage.UsageKey;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Aggregates a batch of queued exports. A message that fails is reported in {@code
 * batchItemFailures} (the event source has {@code ReportBatchItemFailures}), so SQS retries only
 * that one and, after {@code maxReceiveCount}, moves it to the dead-letter queue; the batch itself
 * never throws.
 */
public final class AggregatorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

  private final AggregationService aggregation;
  private final ServiceMetrics metrics;
  private final Clock clock;
  private final Activity activity;
  private final int maxReceiveCount;
  private final BudgetWatch budgets;

  /** For the Lambda runtime. */
  public AggregatorHandler() {
    this(Components.fromEnvironment());
  }

  private AggregatorHandler(Components components) {
    this(
        components.aggregationService(),
        components.serviceMetrics(),
        components.clock(),
        components.activityRecorder(),
        components.config().maxReceiveCount(),
        components.budgetWatch(
            (message, failure) -> InvocationLog.failure(null, message, failure)));
  }

  public AggregatorHandler(AggregationService aggregation) {
    this(aggregation, ServiceMetrics.NONE, Clock.systemUTC());
  }

  public AggregatorHandler(AggregationService aggregation, ServiceMetrics metrics, Clock clock) {
    this(aggregation, metrics, clock, ActivityRecorder.NONE, Config.DEFAULT_MAX_RECEIVE_COUNT);
  }

  public AggregatorHandler(
      AggregationService aggregation,
      ServiceMetrics metrics,
      Clock clock,
      ActivityRecorder activity,
      int maxReceiveCount) {
    this(aggregation, metrics, clock, activity, maxReceiveCount, BudgetWatch.NONE);
  }

  public AggregatorHandler(
      AggregationService aggregation,
      ServiceMetrics metrics,
      Clock clock,
      ActivityRecorder activity,
      int maxReceiveCount,
      BudgetWatch budgets) {
    this.budgets = budgets;
    this.aggregation = aggregation;
    this.maxReceiveCount = maxReceiveCount;
    this.metrics = metrics;
    this.clock = clock;
    this.activity = new Activity(activity);
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    int applied = 0;
    int duplicates = 0;
    long rejected = 0;
    List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
    List<SQSEvent.SQSMessage> readable = new ArrayList<>();
    List<QueuedExport> exports = new ArrayList<>();
    for (SQSEvent.SQSMessage message : records) {
      try {
        exports.add(SqsExportMessages.read(message.getBody(), attributes(message)));
        readable.add(message);
      } catch (RuntimeException e) { // one bad message must not fail the others
        failed(failures, context, message, e);
      }
    }
    List<AggregationService.Outcome> outcomes = aggregation.aggregateAll(exports);
    List<Activity.Counted> counted = new ArrayList<>();
    Map<String, Set<UsageKey>> userDays = new HashMap<>();
    for (int i = 0; i < outcomes.size(); i++) {
      AggregationService.Outcome outcome = outcomes.get(i);
      if (outcome.failed()) {
        failed(failures, context, readable.get(i), outcome.failure());
      } else {
        counted.add(new Activity.Counted(exports.get(i), outcome.result()));
        userDays
            .computeIfAbsent(exports.get(i).connectionId(), c -> new HashSet<>())
            .addAll(outcome.result().userDays());
        applied += outcome.result().partsApplied();
        duplicates += outcome.result().partsAlreadyApplied();
        rejected += outcome.result().rejected();
      }
    }
    try {
      activity.counted(counted);
    } catch (UsageStoreUnavailableException | RuntimeException e) {
      // Usage is counted; the activity moves on with the connection's next batch.
      InvocationLog.failure(context, "recording the connection's activity failed", e);
    }
    // After counting settled, and never failing it (BudgetWatch throws nothing).
    budgets.settled(userDays);
    metrics.aggregated(
        new ServiceMetrics.Batch(
            records.size(),
            applied,
            duplicates,
            rejected,
            failures.size(),
            lastAttempts(records, failures),
            oldestLag(exports)));
    InvocationLog.line(
        context,
        "aggregate "
            + records.size()
            + " messages: "
            + applied
            + " applied, "
            + duplicates
            + " already counted, "
            + failures.size()
            + " failed");
    return new SQSBatchResponse(failures);
  }

  /**
   * How many failed messages had their last attempt: SQS moves them to the dead-letter queue when
   * they would be received once more.
   */
  private int lastAttempts(
      List<SQSEvent.SQSMessage> records, List<SQSBatchResponse.BatchItemFailure> failures) {
    Set<String> failed = new HashSet<>();
    failures.forEach(failure -> failed.add(failure.getItemIdentifier()));
    int last = 0;
    for (SQSEvent.SQSMessage message : records) {
      String received =
          message.getAttributes() == null
              ? null
              : message.getAttributes().get("ApproximateReceiveCount");
      if (failed.contains(message.getMessageId())
          && received != null
          && received.matches("\\d{1,9}")
          && Integer.parseInt(received) >= maxReceiveCount) {
        last++;
      }
    }
    return last;
  }

  /** How long the batch's oldest export waited since ingest answered it, or -1 for none. */
  private long oldestLag(List<QueuedExport> exports) {
    Instant now = clock.instant();
    return exports.stream()
        .mapToLong(export -> Math.max(0, now.toEpochMilli() - export.receivedAt().toEpochMilli()))
        .max()
        .orElse(-1);
  }

  private static void failed(
      List<SQSBatchResponse.BatchItemFailure> failures,
      Context context,
      SQSEvent.SQSMessage message,
      Exception e) {
    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
    InvocationLog.failure(
        context,
        "aggregate message "
            + message.getMessageId()
            + " of connection "
            + attributes(message).getOrDefault(SqsExportMessages.CONNECTION, "?")
            + " failed",
        e);
  }

  private static Map<String, String> attributes(SQSEvent.SQSMessage message) {
    Map<String, String> attributes = new HashMap<>();
    if (message.getMessageAttributes() != null) {
      message
          .getMessageAttributes()
          .forEach(
              (name, value) -> {
                if (value != null && value.getStringValue() != null) {
                  attributes.put(name, value.getStringValue());
                }
              });
    }
    return attributes;
  }
}
