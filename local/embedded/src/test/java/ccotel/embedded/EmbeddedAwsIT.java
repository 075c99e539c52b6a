package ccotel.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The embedded services behave as the adapters rely on: loopback, ADD, transactions, DLQ, limits.
 */
class EmbeddedAwsIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  @Test
  void servicesListenOnLoopbackOnly() {
    assertEquals("127.0.0.1", AWS.dynamoDb().endpoint().getHost());
    assertEquals("127.0.0.1", AWS.sqs().endpoint().getHost());
  }

  @Test
  void dynamoDb_addsAtomically_andCancelsFailedTransactions() {
    DynamoDbClient dynamoDb = AWS.dynamoDb().client();
    createTable(dynamoDb, "counters");
    Map<String, AttributeValue> key = Map.of("pk", s("a"));
    for (int i = 0; i < 2; i++) {
      dynamoDb.updateItem(
          b ->
              b.tableName("counters")
                  .key(key)
                  .updateExpression("ADD tokens :t, cost :c")
                  .expressionAttributeValues(Map.of(":t", n("15873"), ":c", n("61590750"))));
    }
    Map<String, AttributeValue> item =
        dynamoDb.getItem(b -> b.tableName("counters").key(key)).item();
    assertEquals("31746", item.get("tokens").n());
    assertEquals("123181500", item.get("cost").n());

    TransactionCanceledException cancelled =
        assertThrows(
            TransactionCanceledException.class,
            () ->
                dynamoDb.transactWriteItems(
                    b ->
                        b.transactItems(
                            t ->
                                t.put(
                                    p ->
                                        p.tableName("counters")
                                            .item(Map.of("pk", s("a")))
                                            .conditionExpression("attribute_not_exists(pk)")))));
    assertEquals("ConditionalCheckFailed", cancelled.cancellationReasons().get(0).code());
  }

  @Test
  void sqs_persistent_keepsQueuesMessagesAndReceiveCountsAcrossRestarts(@TempDir Path dir) {
    String deadLetterUrl;
    try (EmbeddedSqs first = EmbeddedSqs.startPersistent(dir)) {
      SqsClient sqs = first.client();
      deadLetterUrl = sqs.createQueue(b -> b.queueName("kept-dlq")).queueUrl();
      String dlqArn =
          sqs.getQueueAttributes(
                  b -> b.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
              .attributes()
              .get(QueueAttributeName.QUEUE_ARN);
      String url =
          sqs.createQueue(
                  b ->
                      b.queueName("kept")
                          .attributes(
                              Map.of(
                                  QueueAttributeName.REDRIVE_POLICY,
                                  "{\"maxReceiveCount\":\"2\",\"deadLetterTargetArn\":\""
                                      + dlqArn
                                      + "\"}")))
              .queueUrl();
      sqs.sendMessage(
          b ->
              b.queueUrl(url)
                  .messageBody("first")
                  .messageAttributes(
                      Map.of(
                          "ccotel.connection",
                          MessageAttributeValue.builder()
                              .dataType("String")
                              .stringValue("conn_1")
                              .build())));
      sqs.sendMessage(b -> b.queueUrl(url).messageBody("second"));
      // Receive one and let its visibility lapse: it must come back with its receive count.
      List<Message> received =
          sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1).visibilityTimeout(1))
              .messages();
      assertEquals(1, received.size());
      sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(received.get(0).receiptHandle()));
    }
    try (EmbeddedSqs second = EmbeddedSqs.startPersistent(dir)) {
      SqsClient sqs = second.client();
      String url = sqs.getQueueUrl(b -> b.queueName("kept")).queueUrl();
      List<Message> left =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(2)
                          .messageAttributeNames("All"))
              .messages();
      assertEquals(1, left.size(), "exactly the message that was not deleted survives");
      String survivor = left.get(0).body();
      assertTrue(survivor.equals("first") || survivor.equals("second"));
      assertTrue(
          sqs.getQueueAttributes(
                  b -> b.queueUrl(url).attributeNames(QueueAttributeName.REDRIVE_POLICY))
              .attributes()
              .get(QueueAttributeName.REDRIVE_POLICY)
              .contains("kept-dlq"));
    }
  }

  @Test
  void dynamoDb_keepsTablesAcrossRestarts(@TempDir Path dir) {
    try (EmbeddedDynamoDb first = EmbeddedDynamoDb.start(dir)) {
      createTable(first.client(), "kept");
      first.client().putItem(b -> b.tableName("kept").item(Map.of("pk", s("x"), "v", n("42"))));
    }
    try (EmbeddedDynamoDb second = EmbeddedDynamoDb.start(dir)) {
      assertEquals(
          "42",
          second
              .client()
              .getItem(b -> b.tableName("kept").key(Map.of("pk", s("x"))))
              .item()
              .get("v")
              .n());
    }
  }

  @Test
  void sqs_movesARepeatedlyFailedMessageToTheDeadLetterQueue() throws Exception {
    SqsClient sqs = AWS.sqs().client();
    String dlq = sqs.createQueue(b -> b.queueName("dlq")).queueUrl();
    String dlqArn =
        sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String queue =
        sqs.createQueue(
                b ->
                    b.queueName("work")
                        .attributes(
                            Map.of(
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                "1",
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"maxReceiveCount\":\"2\",\"deadLetterTargetArn\":\""
                                    + dlqArn
                                    + "\"}")))
            .queueUrl();
    assertTrue(queue.contains(":" + AWS.sqs().endpoint().getPort() + "/"), queue);
    sqs.sendMessage(
        b ->
            b.queueUrl(queue)
                .messageBody("poison")
                .messageAttributes(
                    Map.of(
                        "ccotel.connection",
                        MessageAttributeValue.builder()
                            .dataType("String")
                            .stringValue("c1")
                            .build())));

    for (int receive = 0; receive < 2; receive++) {
      assertEquals(1, receive(sqs, queue, 3).size()); // received, not deleted: a failure
      Thread.sleep(1100);
    }
    assertEquals(List.of(), receive(sqs, queue, 1));
    List<Message> dead = receive(sqs, dlq, 2);
    assertEquals(1, dead.size());
    assertEquals("poison", dead.get(0).body());
    assertEquals("c1", dead.get(0).messageAttributes().get("ccotel.connection").stringValue());
  }

  @Test
  void sqs_refusesMessagesOver1MiB() {
    SqsClient sqs = AWS.sqs().client();
    String queue = sqs.createQueue(b -> b.queueName("limits")).queueUrl();
    sqs.sendMessage(b -> b.queueUrl(queue).messageBody("x".repeat(1024 * 1024)));
    assertThrows(
        SqsException.class,
        () -> sqs.sendMessage(b -> b.queueUrl(queue).messageBody("x".repeat(1024 * 1024 + 1))));
  }

  private static List<Message> receive(SqsClient sqs, String queue, int waitSeconds) {
    return sqs.receiveMessage(
            b ->
                b.queueUrl(queue)
                    .waitTimeSeconds(waitSeconds)
                    .maxNumberOfMessages(10)
                    .messageAttributeNames("All"))
        .messages();
  }

  private static void createTable(DynamoDbClient dynamoDb, String name) {
    dynamoDb.createTable(
        b ->
            b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                .attributeDefinitions(
                    a -> a.attributeName("pk").attributeType(ScalarAttributeType.S)));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  private static AttributeValue n(String value) {
    return AttributeValue.builder().n(value).build();
  }
}
