package ccotel.local;

import ccotel.ingest.QueuedExport;
import ccotel.otlp.MalformedOtlpException;
import ccotel.otlp.OtlpDecoder;
import ccotel.otlp.OtlpEncoding;
import ccotel.sqs.SqsExportMessages;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The exports the aggregator gave up on, after {@code maxReceiveCount} failed attempts: listed with
 * what they belong to, and put back on the ingest queue once the cause is fixed. Replaying is safe
 * to repeat: a message keeps its delivery id, so anything already counted counts nothing again.
 */
final class DeadLetters {

  /** One dead message, described without its payload. */
  record DeadLetter(
      String messageId,
      String connectionId,
      String signal,
      String deliveryId,
      String receivedAt,
      String receiveCount,
      String diagnosis) {}

  private static final int BATCH = 10;

  /** Long enough to page through the whole queue without seeing a message twice. */
  private static final int LISTING_VISIBILITY_SECONDS = 30;

  private final SqsClient sqs;
  private final String deadLetterUrl;
  private final String queueUrl;

  DeadLetters(SqsClient sqs, String deadLetterUrl, String queueUrl) {
    this.sqs = sqs;
    this.deadLetterUrl = deadLetterUrl;
    this.queueUrl = queueUrl;
  }

  /**
   * Every dead letter, each received once with a short visibility timeout (so that listing does not
   * hide them from a replay for long).
   */
  List<DeadLetter> list() {
    List<DeadLetter> letters = new ArrayList<>();
    for (Message message : receiveAll(2)) {
      Map<String, String> attributes = attributes(message);
      letters.add(
          new DeadLetter(
              message.messageId(),
              attributes.getOrDefault(SqsExportMessages.CONNECTION, "?"),
              attributes.getOrDefault(SqsExportMessages.SIGNAL, "?"),
              attributes.getOrDefault(SqsExportMessages.DELIVERY, "?"),
              attributes.getOrDefault(SqsExportMessages.RECEIVED_AT, "?"),
              message
                  .attributes()
                  .getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "?"),
              diagnose(message.body(), attributes)));
    }
    return letters;
  }

  /** Moves every dead letter back to the ingest queue, body and attributes unchanged. */
  int replay() {
    int replayed = 0;
    for (Message message : receiveAll(60)) {
      sqs.sendMessage(
          b ->
              b.queueUrl(queueUrl)
                  .messageBody(message.body())
                  .messageAttributes(message.messageAttributes()));
      // Deleted only after the copy is queued: a crash in between duplicates, never loses.
      sqs.deleteMessage(b -> b.queueUrl(deadLetterUrl).receiptHandle(message.receiptHandle()));
      replayed++;
    }
    return replayed;
  }

  /**
   * Moves every dead letter back to the ingest queue with SQS's own redrive ({@code
   * StartMessageMoveTask}), which keeps bodies and attributes and needs no receive, and waits until
   * the task ends. Returns how many it moved.
   */
  long replayByMoveTask(Duration timeout) throws InterruptedException {
    String source = arn(deadLetterUrl);
    String destination = arn(queueUrl);
    sqs.startMessageMoveTask(b -> b.sourceArn(source).destinationArn(destination));
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      // The newest task of the source comes first: the one just started.
      List<ListMessageMoveTasksResultEntry> tasks =
          sqs.listMessageMoveTasks(b -> b.sourceArn(source).maxResults(1)).results();
      ListMessageMoveTasksResultEntry task = tasks.isEmpty() ? null : tasks.get(0);
      if (task != null && !"RUNNING".equals(task.status())) {
        if (!"COMPLETED".equals(task.status())) {
          throw new IllegalStateException(
              "the move task ended "
                  + task.status()
                  + (task.failureReason() == null ? "" : ": " + task.failureReason())
                  + " after moving "
                  + task.approximateNumberOfMessagesMoved()
                  + " messages");
        }
        return task.approximateNumberOfMessagesMoved();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "the move task still runs after "
                + timeout.toSeconds()
                + " s, having moved "
                + (task == null ? 0 : task.approximateNumberOfMessagesMoved())
                + " messages; it goes on without us");
      }
      Thread.sleep(1_000);
    }
  }

  private String arn(String url) {
    return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes()
        .get(QueueAttributeName.QUEUE_ARN);
  }

  private List<Message> receiveAll(int visibilitySeconds) {
    List<Message> all = new ArrayList<>();
    while (true) {
      List<Message> batch =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(deadLetterUrl)
                          .maxNumberOfMessages(BATCH)
                          .waitTimeSeconds(1)
                          .visibilityTimeout(visibilitySeconds)
                          .messageAttributeNames("All")
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
              .messages();
      if (batch.isEmpty()) {
        return all;
      }
      all.addAll(batch);
    }
  }

  /** Why it may have failed, as far as the message itself can tell. */
  static String diagnose(String body, Map<String, String> attributes) {
    QueuedExport export;
    try {
      export = SqsExportMessages.read(body, attributes);
    } catch (RuntimeException e) {
      return "unreadable message: " + e.getMessage();
    }
    try {
      OtlpDecoder.decode(export.signal(), OtlpEncoding.PROTOBUF, export.protobufBody());
    } catch (MalformedOtlpException e) {
      return "undecodable OTLP: " + e.getMessage();
    }
    return "decodes; the store refused it (see the runner's log for this connection)";
  }

  private static Map<String, String> attributes(Message message) {
    Map<String, String> attributes = new HashMap<>();
    for (Map.Entry<String, MessageAttributeValue> attribute :
        message.messageAttributes().entrySet()) {
      if (attribute.getValue().stringValue() != null) {
        attributes.put(attribute.getKey(), attribute.getValue().stringValue());
      }
    }
    return attributes;
  }
}
