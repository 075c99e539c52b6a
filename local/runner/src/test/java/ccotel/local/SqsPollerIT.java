package ccotel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.embedded.EmbeddedSqs;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The local poller gathers batches as Lambda's event source does (more than one receive's 10
 * messages, up to its batch size), against ElasticMQ, and deletes all but the failed.
 */
class SqsPollerIT {

  private static EmbeddedSqs sqs;

  @BeforeAll
  static void start() {
    sqs = EmbeddedSqs.startInMemory();
  }

  @AfterAll
  static void stop() {
    sqs.close();
  }

  @Test
  void gathersMoreThanOneReceive_intoOneBatch_andDeletesAllButTheFailed() {
    String queue = queue("gather");
    send(queue, 25);
    List<Integer> batches = new ArrayList<>();
    SqsPoller poller =
        poller(
            queue,
            event -> {
              batches.add(event.getRecords().size());
              SQSEvent.SQSMessage first = event.getRecords().get(0);
              return new SQSBatchResponse(
                  List.of(new SQSBatchResponse.BatchItemFailure(first.getMessageId())));
            },
            1_000);

    assertEquals(25, poller.pollOnce());

    assertEquals(List.of(25), batches);
    assertEquals(1, inFlight(queue), "the failed message waits for its visibility timeout");
    assertEquals(0, visible(queue), "the other 24 were deleted, in calls of 10");
  }

  @Test
  void handsOverAtMostItsBatchSize() {
    String queue = queue("capped");
    send(queue, 25);
    List<Integer> batches = new ArrayList<>();
    SqsPoller poller =
        poller(
            queue,
            event -> {
              batches.add(event.getRecords().size());
              return new SQSBatchResponse(List.of());
            },
            15);

    poller.pollOnce();
    poller.pollOnce();

    assertEquals(List.of(15, 10), batches);
    assertEquals(0, visible(queue) + inFlight(queue));
  }

  /** A poller of {@code queue} gathering for 2 s, handing each batch to {@code handler}. */
  private static SqsPoller poller(
      String queue, Function<SQSEvent, SQSBatchResponse> handler, int batchSize) {
    return new SqsPoller(
        sqs.client(),
        queue,
        "arn:aws:sqs:us-east-1:000000000000:" + queue.substring(queue.lastIndexOf('/') + 1),
        (event, context) -> handler.apply(event),
        batchSize,
        Duration.ofSeconds(2));
  }

  private static String queue(String name) {
    return sqs.client()
        .createQueue(
            b -> b.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30")))
        .queueUrl();
  }

  private static void send(String queue, int count) {
    for (int i = 0; i < count; i++) {
      String body = "message " + i;
      sqs.client().sendMessage(b -> b.queueUrl(queue).messageBody(body));
    }
  }

  private static int visible(String queue) {
    return count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
  }

  private static int inFlight(String queue) {
    return count(queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
  }

  private static int count(String queue, QueueAttributeName name) {
    return Integer.parseInt(
        sqs.client()
            .getQueueAttributes(b -> b.queueUrl(queue).attributeNames(name))
            .attributes()
            .get(name));
  }
}
