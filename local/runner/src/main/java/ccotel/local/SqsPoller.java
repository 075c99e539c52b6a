package ccotel.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Does locally what Lambda's SQS event source mapping does in AWS: gather a batch (receives of up
 * to 10 messages, until the batch is full or its window has passed), hand it to the aggregator as
 * an {@link SQSEvent}, and delete only the messages its {@link SQSBatchResponse} did not report as
 * failed. Failed ones become visible again and are retried, and after {@code maxReceiveCount} SQS
 * moves them to the dead-letter queue.
 */
final class SqsPoller implements AutoCloseable {

  /** What one ReceiveMessage returns at most. */
  private static final int RECEIVE_SIZE = 10;

  private static final int WAIT_SECONDS = 1;

  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private final RequestHandler<SQSEvent, SQSBatchResponse> aggregator;
  private final int batchSize;
  private final Duration window;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean polling;

  SqsPoller(
      SqsClient sqs,
      String queueUrl,
      String queueArn,
      RequestHandler<SQSEvent, SQSBatchResponse> aggregator) {
    this(sqs, queueUrl, queueArn, aggregator, RECEIVE_SIZE, Duration.ZERO);
  }

  /**
   * A poller that hands over batches of up to {@code batchSize} messages, gathered for at most
   * {@code window} after the first (keep it well below the queue's visibility timeout, or messages
   * of the batch come back while it is gathered).
   */
  SqsPoller(
      SqsClient sqs,
      String queueUrl,
      String queueArn,
      RequestHandler<SQSEvent, SQSBatchResponse> aggregator,
      int batchSize,
      Duration window) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.queueArn = queueArn;
    this.aggregator = aggregator;
    this.batchSize = batchSize;
    this.window = window;
  }

  void start(int pollers) {
    for (int i = 0; i < pollers; i++) {
      Thread thread = new Thread(this::pollUntilClosed, "ccotel-sqs-poller-" + i);
      thread.start();
      threads.add(thread);
    }
  }

  /** True once a poller has completed a receive: the queue answers and aggregation runs. */
  boolean isPolling() {
    return polling;
  }

  private void pollUntilClosed() {
    while (running.get()) {
      try {
        pollOnce();
        polling = true;
      } catch (RuntimeException e) {
        if (!running.get()) {
          return;
        }
        System.err.println("ccotel: polling the queue failed, retrying: " + e);
        sleepQuietly(1000);
      }
    }
  }

  /** Gathers and processes one batch; returns how many messages it received. */
  int pollOnce() {
    List<Message> messages = new ArrayList<>(receive(RECEIVE_SIZE, WAIT_SECONDS));
    if (messages.isEmpty()) {
      return 0;
    }
    long closesAt = System.nanoTime() + window.toNanos();
    while (messages.size() < batchSize && System.nanoTime() - closesAt < 0 && running.get()) {
      boolean lastSecond = closesAt - System.nanoTime() < 1_000_000_000L;
      List<Message> more =
          receive(
              Math.min(RECEIVE_SIZE, batchSize - messages.size()), lastSecond ? 0 : WAIT_SECONDS);
      if (more.isEmpty() && lastSecond) {
        break; // nothing more came: no point asking again and again in the last second
      }
      messages.addAll(more);
    }
    SQSBatchResponse response = aggregator.handleRequest(toEvent(messages), null);
    Set<String> failed = new HashSet<>();
    if (response != null && response.getBatchItemFailures() != null) {
      response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
    }
    List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
    for (Message message : messages) {
      if (!failed.contains(message.messageId())) {
        done.add(
            DeleteMessageBatchRequestEntry.builder()
                .id(Integer.toString(done.size()))
                .receiptHandle(message.receiptHandle())
                .build());
      }
    }
    // SQS deletes at most 10 a call.
    for (int from = 0; from < done.size(); from += RECEIVE_SIZE) {
      List<DeleteMessageBatchRequestEntry> some =
          done.subList(from, Math.min(done.size(), from + RECEIVE_SIZE));
      sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(some));
    }
    return messages.size();
  }

  private List<Message> receive(int most, int waitSeconds) {
    ReceiveMessageResponse received =
        sqs.receiveMessage(
            b ->
                b.queueUrl(queueUrl)
                    .maxNumberOfMessages(most)
                    .waitTimeSeconds(waitSeconds)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL));
    return received.messages();
  }

  private SQSEvent toEvent(List<Message> messages) {
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    for (Message message : messages) {
      SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
      record.setMessageId(message.messageId());
      record.setReceiptHandle(message.receiptHandle());
      record.setBody(message.body());
      record.setMd5OfBody(message.md5OfBody());
      record.setEventSource("aws:sqs");
      record.setEventSourceArn(queueArn);
      Map<String, String> attributes = new HashMap<>();
      message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
      record.setAttributes(attributes);
      Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
      for (Map.Entry<String, MessageAttributeValue> attribute :
          message.messageAttributes().entrySet()) {
        SQSEvent.MessageAttribute value = new SQSEvent.MessageAttribute();
        value.setDataType(attribute.getValue().dataType());
        value.setStringValue(attribute.getValue().stringValue());
        messageAttributes.put(attribute.getKey(), value);
      }
      record.setMessageAttributes(messageAttributes);
      records.add(record);
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(records);
    return event;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops receiving and waits for the batches in hand to finish. */
  @Override
  public void close() {
    running.set(false);
    for (Thread thread : threads) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
