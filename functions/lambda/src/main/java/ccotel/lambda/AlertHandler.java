package ccotel.lambda;

import ccotel.budget.AlertKey;
import ccotel.budget.AlertSender;
import ccotel.sqs.SqsAlertQueue;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers budget alerts from the alert queue (see {@link AlertSender}). A message whose alert
 * could not be published is reported in {@code batchItemFailures}: SQS delivers it again and, after
 * the queue's receive count, moves it to the alert dead-letter queue. Webhook retries are new
 * delayed messages, not failures.
 */
public final class AlertHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

  private final AlertSender sender;

  /** For the Lambda runtime. */
  public AlertHandler() {
    this(Components.fromEnvironment().alertSender());
  }

  public AlertHandler(AlertSender sender) {
    this.sender = sender;
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
    for (SQSEvent.SQSMessage message : records) {
      try {
        AlertKey key = SqsAlertQueue.read(message.getBody());
        sender.send(key);
      } catch (Exception e) { // one alert must not fail the others
        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
        InvocationLog.failure(
            context, "delivering the alert of message " + message.getMessageId() + " failed", e);
      }
    }
    InvocationLog.line(
        context, "alerts: " + records.size() + " messages, " + failures.size() + " failed");
    return new SQSBatchResponse(failures);
  }
}
