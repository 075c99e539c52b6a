package ccotel.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
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
 * Does locally what Lambda's SQS event source mapping does in AWS: receive a batch, hand it to the
 * aggregator as an {@link SQSEvent}, and delete only the messages its {@link SQSBatchResponse} did
 * not report as failed. Failed ones become visible again and are retried, and after {@code
 * maxReceiveCount} SQS moves them to the dead-letter queue.
 */
final class SqsPoller implements AutoCloseable {

  private static final int BATCH_SIZE = 10;
  private static final int WAIT_SECONDS = 1;

  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private final RequestHandler<SQSEvent, SQSBatchResponse> aggregator;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean polling;

  SqsPoller(
      SqsClient sqs,
      String queueUrl,
      String queueArn,
      RequestHandler<SQSEvent, SQSBatchResponse> aggregator) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.queueArn = queueArn;
    this.aggregator = aggregator;
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

  /** Receives and processes one batch; returns how many messages it received. */
  int pollOnce() {
    ReceiveMessageResponse received =
        sqs.receiveMessage(
            b ->
                b.queueUrl(queueUrl)
                    .maxNumberOfMessages(BATCH_SIZE)
                    .waitTimeSeconds(WAIT_SECONDS)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL));
    List<Message> messages = received.messages();
    if (messages.isEmpty()) {
      return 0;
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
    if (!done.isEmpty()) {
      sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
    }
    return messages.size();
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
