package ccotel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.embedded.EmbeddedAws;
import ccotel.ingest.QueuedExport;
import ccotel.otlp.OtlpSignal;
import ccotel.sqs.SqsExportMessages;
import ccotel.testing.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code ccotel dlq} against a "deployed" stack: queues named outright, reached through the
 * standard credential chain and an endpoint override (ElasticMQ stands in for SQS, with its
 * StartMessageMoveTask), no local runner.
 */
class DeployedDeadLettersIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  @BeforeAll
  static void credentialsFromTheStandardChain() {
    System.setProperty("aws.accessKeyId", "deployedtest");
    System.setProperty("aws.secretAccessKey", "deployedtest");
  }

  @AfterAll
  static void clearCredentials() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @Test
  void listsAndReplaysWithAMoveTask_onNamedQueues() throws Exception {
    SqsClient sqs = AWS.sqs().client();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String deadLetters = sqs.createQueue(b -> b.queueName("prod-dlq-" + suffix)).queueUrl();
    String deadLetterArn =
        sqs.getQueueAttributes(
                b -> b.queueUrl(deadLetters).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String queue =
        sqs.createQueue(
                b ->
                    b.queueName("prod-ingest-" + suffix)
                        .attributes(
                            Map.of(
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"maxReceiveCount\":\"5\",\"deadLetterTargetArn\":\""
                                    + deadLetterArn
                                    + "\"}")))
            .queueUrl();
    List<String> deliveries = List.of("a".repeat(64), "b".repeat(64));
    for (String delivery : deliveries) {
      QueuedExport export =
          new QueuedExport(
              "conn_prod",
              OtlpSignal.METRICS,
              delivery,
              Instant.parse("2026-11-24T14:02:42.500Z"),
              new byte[0]);
      Map<String, MessageAttributeValue> attributes = new HashMap<>();
      SqsExportMessages.attributes(export)
          .forEach(
              (name, value) ->
                  attributes.put(
                      name,
                      MessageAttributeValue.builder()
                          .dataType("String")
                          .stringValue(value)
                          .build()));
      sqs.sendMessage(
          b ->
              b.queueUrl(deadLetters)
                  .messageBody(SqsExportMessages.body(export))
                  .messageAttributes(attributes));
    }

    JsonNode listed = Json.read(cli("list", "--json", queue, deadLetters));
    TreeSet<String> listedDeliveries = new TreeSet<>();
    listed.forEach(
        letter -> {
          assertEquals("conn_prod", letter.get("connectionId").asText());
          listedDeliveries.add(letter.get("deliveryId").asText());
        });
    assertEquals(new TreeSet<>(deliveries), listedDeliveries);

    String replayed = new String(cli("replay", null, queue, deadLetters), StandardCharsets.UTF_8);

    assertEquals(
        "replayed 2 messages to the ingest queue; already counted parts count nothing again",
        replayed.strip());
    TreeSet<String> moved = new TreeSet<>();
    for (Message message : receiveAll(sqs, queue)) {
      moved.add(message.messageAttributes().get(SqsExportMessages.DELIVERY).stringValue());
    }
    assertEquals(new TreeSet<>(deliveries), moved);
    assertEquals(List.of(), receiveAll(sqs, deadLetters));
  }

  private static List<Message> receiveAll(SqsClient sqs, String url) {
    List<Message> all = new ArrayList<>();
    while (true) {
      List<Message> batch =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .visibilityTimeout(60)
                          .messageAttributeNames("All"))
              .messages();
      if (batch.isEmpty()) {
        return all;
      }
      all.addAll(batch);
    }
  }

  private static byte[] cli(String action, String flag, String queue, String deadLetters)
      throws Exception {
    List<String> all = new ArrayList<>(List.of("dlq", action));
    if (flag != null) {
      all.add(flag);
    }
    all.addAll(
        List.of(
            "--queue-url",
            queue,
            "--dead-letter-queue-url",
            deadLetters,
            "--region",
            "eu-west-1",
            "--endpoint-url",
            AWS.sqs().endpoint().toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        new CcotelCli(new PrintStream(out, true, StandardCharsets.UTF_8), Map.of())
            .run(all.toArray(new String[0]));
    assertEquals(0, status);
    return out.toByteArray();
  }
}
