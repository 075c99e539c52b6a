package ccotel.sqs;

import ccotel.ingest.IngestQueue;
import ccotel.ingest.QueueUnavailableException;
import ccotel.ingest.QueuedExport;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Queues exports on SQS; {@code SendMessage} returns only once SQS has stored the message. */
public final class SqsIngestQueue implements IngestQueue {

  private final SqsClient sqs;
  private final String queueUrl;

  public SqsIngestQueue(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  @Override
  public void enqueue(QueuedExport export) throws QueueUnavailableException {
    Map<String, MessageAttributeValue> attributes = new HashMap<>();
    SqsExportMessages.attributes(export)
        .forEach(
            (name, value) ->
                attributes.put(
                    name,
                    MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
    try {
      sqs.sendMessage(
          b ->
              b.queueUrl(queueUrl)
                  .messageBody(SqsExportMessages.body(export))
                  .messageAttributes(attributes));
    } catch (SdkException e) {
      throw new QueueUnavailableException("sending to SQS: " + e.getMessage(), e);
    }
  }
}
