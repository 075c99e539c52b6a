package ccotel.lambda;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.activity.ActivityRecorder;
import ccotel.budget.Alert;
import ccotel.budget.AlertKey;
import ccotel.budget.AlertSender;
import ccotel.budget.Budget;
import ccotel.budget.BudgetWatch;
import ccotel.budget.WebhookSignature;
import ccotel.dynamodb.DynamoDbBudgets;
import ccotel.embedded.EmbeddedAws;
import ccotel.ingest.QueuedExport;
import ccotel.metrics.ServiceMetrics;
import ccotel.sqs.SqsAlertQueue;
import ccotel.sqs.SqsExportMessages;
import ccotel.testing.OtlpRequests;
import ccotel.testing.QueuedExports;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Budget alerts against DynamoDB Local and ElasticMQ, through the aggregator and alert handlers
 * with SQS event shapes: one alert per user-day over budget whatever the delivery order and
 * duplication, with two aggregators; none at or under it; a lost enqueue made good by a later
 * batch; and a failing webhook that gets the alert once, signed, while counting goes on.
 */
class BudgetAlertsIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final String CONNECTION = "conn_budget";
  private static final long ONE_USD = 1_000_000_000L;
  private static final LocalDate DAY1 = LocalDate.of(2026, 11, 24);
  private static final LocalDate DAY2 = LocalDate.of(2026, 11, 25);

  private final List<String> watchFailures = new CopyOnWriteArrayList<>();

  @Test
  void twoAggregators_exportsTwiceShuffled_oneAlertPerUserDayOverBudget() throws Exception {
    AwsTestStack stack = new AwsTestStack(AWS);
    DynamoDbBudgets budgets = stack.components.budgetStore();
    budgets.putBudget(new Budget(CONNECTION, ONE_USD, Optional.empty(), Optional.empty()));
    List<QueuedExport> exports = new ArrayList<>();
    exports.addAll(costs("over@example.com", DAY1, 15)); // 1.50 USD: over
    exports.addAll(costs("over@example.com", DAY2, 11)); // 1.10 USD: over
    exports.addAll(costs("under@example.com", DAY1, 5)); // 0.50 USD: under
    exports.addAll(costs("exact@example.com", DAY1, 10)); // 1.00 USD: not over
    List<QueuedExport> deliveries = new ArrayList<>(exports);
    deliveries.addAll(exports);
    Collections.shuffle(deliveries, new Random(16));

    aggregateInParallel(stack, deliveries, 2);

    assertEquals(List.of(), watchFailures);
    List<Alert> alerts = budgets.alerts(CONNECTION);
    assertEquals(
        List.of(userDay("over@example.com", DAY1), userDay("over@example.com", DAY2)),
        alerts.stream().map(Alert::userDay).toList());
    for (Alert alert : alerts) {
      assertTrue(alert.costNanoUsd() > ONE_USD, alert.toString()); // the cost when it crossed
      assertEquals(ONE_USD, alert.budgetNanoUsd());
      assertTrue(alert.queued());
    }
    assertEquals(1_500_000_000L, cost(budgets, "over@example.com", DAY1)); // counted exactly
    assertEquals(
        List.of(userDay("over@example.com", DAY1), userDay("over@example.com", DAY2)),
        drainAlertQueue(stack).stream().map(AlertKey::userDay).sorted().toList());
  }

  @Test
  void anAlertCreatedButNeverQueued_isQueuedByTheNextBatchOfItsDay() throws Exception {
    AwsTestStack stack = new AwsTestStack(AWS);
    DynamoDbBudgets budgets = stack.components.budgetStore();
    budgets.putBudget(new Budget(CONNECTION, ONE_USD, Optional.empty(), Optional.empty()));
    List<QueuedExport> exports = costs("over@example.com", DAY1, 12);
    aggregateInParallel(stack, exports, 1);
    List<AlertKey> first = drainAlertQueue(stack);
    assertEquals(1, first.size());

    // A crash between the conditional put and the enqueue, on another user-day.
    AlertKey lost = new AlertKey(CONNECTION, userDay("late@example.com", DAY1));
    List<QueuedExport> late = costs("late@example.com", DAY1, 11);
    new AggregationServiceOnly(stack).count(late);
    // ...raised longer ago than the creator's lease to queue it.
    Instant longAgo = Instant.now().minus(BudgetWatch.QUEUE_LEASE).minusSeconds(1);
    assertTrue(
        budgets.createAlert(
            Alert.raised(lost, 1_100_000_000L, ONE_USD, longAgo), BudgetWatch.QUEUE_LEASE));
    assertFalse(budgets.alert(lost).get().queued());

    // The same exports again (a DLQ replay): counted before, the alert is queued now, once.
    aggregateInParallel(stack, late, 1);
    aggregateInParallel(stack, late, 1);
    assertEquals(List.of(lost), drainAlertQueue(stack));
    assertTrue(budgets.alert(lost).get().queued());
    assertEquals(1_100_000_000L, cost(budgets, "late@example.com", DAY1));
    assertEquals(List.of(), watchFailures);
  }

  @Test
  void aWebhookAnswering500ThenTimingOutThenWorking_getsTheAlertOnce_andCountingGoesOn()
      throws Exception {
    AwsTestStack stack = new AwsTestStack(AWS);
    DynamoDbBudgets budgets = stack.components.budgetStore();
    AtomicInteger requests = new AtomicInteger();
    CountDownLatch hanging = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.setExecutor(Executors.newCachedThreadPool());
    webhook.createContext(
        "/hook",
        exchange -> {
          Map<String, String> request = new HashMap<>();
          request.put(
              "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          for (String header :
              List.of(
                  WebhookSignature.SIGNATURE_HEADER,
                  WebhookSignature.TIMESTAMP_HEADER,
                  WebhookSignature.ALERT_ID_HEADER)) {
            request.put(header, exchange.getRequestHeaders().getFirst(header));
          }
          received.add(request);
          int n = requests.incrementAndGet();
          try {
            if (n == 2) { // hangs past the sender's timeout
              hanging.countDown();
              release.await(30, TimeUnit.SECONDS);
            }
            exchange.sendResponseHeaders(n == 1 ? 500 : 204, -1);
          } catch (InterruptedException | java.io.IOException e) {
            // the sender hung up
          } finally {
            exchange.close();
          }
        });
    webhook.start();
    ExecutorService sender = Executors.newSingleThreadExecutor();
    try {
      String secret = Budget.newWebhookSecret();
      URI url = URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook");
      budgets.putBudget(new Budget(CONNECTION, ONE_USD, Optional.of(url), Optional.of(secret)));
      List<Alert> published = new CopyOnWriteArrayList<>();
      AlertHandler alerts =
          new AlertHandler(
              stack.components.alertSender(
                  published::add, Duration.ofMillis(1000), Duration.ofSeconds(1)));

      aggregateInParallel(stack, costs("over@example.com", DAY1, 11), 1);
      AlertKey key = new AlertKey(CONNECTION, userDay("over@example.com", DAY1));
      Future<?> delivering =
          sender.submit(
              () -> {
                Instant deadline = Instant.now().plusSeconds(60);
                while (budgets.alert(key).get().delivery() == Alert.Delivery.PENDING
                    && Instant.now().isBefore(deadline)) {
                  deliverAlerts(stack, alerts);
                }
                return null;
              });

      // While the webhook hangs, exports are counted and readable as ever.
      assertTrue(hanging.await(30, TimeUnit.SECONDS), "the webhook was not retried");
      aggregateInParallel(stack, costs("over@example.com", DAY1, 11, 3), 1);
      assertEquals(1_400_000_000L, cost(budgets, "over@example.com", DAY1));
      // The sender gives up on the hanging POST by its own timeout, not by our release.
      Instant timedOut = Instant.now().plusSeconds(20);
      while (budgets.alert(key).get().attempts() < 2 && Instant.now().isBefore(timedOut)) {
        Thread.sleep(100);
      }
      release.countDown();
      delivering.get(90, TimeUnit.SECONDS);

      Alert alert = budgets.alert(key).get();
      assertEquals(Alert.Delivery.DELIVERED, alert.delivery());
      assertEquals(2, alert.attempts()); // the 500 and the timeout
      assertEquals(3, requests.get());
      assertEquals(1, published.size());
      assertEquals(List.of(), drainAlertQueue(stack)); // nothing left to send
      for (Map<String, String> request : received) {
        assertEquals(alert.json(), request.get("body"));
        assertEquals(key.id(), request.get(WebhookSignature.ALERT_ID_HEADER));
        assertTrue(
            WebhookSignature.verify(
                secret,
                request.get(WebhookSignature.TIMESTAMP_HEADER),
                request.get("body"),
                request.get(WebhookSignature.SIGNATURE_HEADER)));
        assertFalse(
            WebhookSignature.verify(
                Budget.newWebhookSecret(),
                request.get(WebhookSignature.TIMESTAMP_HEADER),
                request.get("body"),
                request.get(WebhookSignature.SIGNATURE_HEADER)));
      }
    } finally {
      release.countDown();
      sender.shutdownNow();
      webhook.stop(0);
    }
  }

  @Test
  void aWebhookThatNeverWorks_isGivenUpOn_withTheLastErrorOnTheAlert() throws Exception {
    AwsTestStack stack = new AwsTestStack(AWS);
    DynamoDbBudgets budgets = stack.components.budgetStore();
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger requests = new AtomicInteger();
    webhook.createContext(
        "/hook",
        exchange -> {
          requests.incrementAndGet();
          exchange.sendResponseHeaders(503, -1);
          exchange.close();
        });
    webhook.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook");
      budgets.putBudget(
          new Budget(
              CONNECTION, ONE_USD, Optional.of(url), Optional.of(Budget.newWebhookSecret())));
      AlertHandler alerts =
          new AlertHandler(
              stack.components.alertSender(
                  alert -> {}, Duration.ofMillis(1000), Duration.ofMillis(100)));
      aggregateInParallel(stack, costs("over@example.com", DAY1, 11), 1);
      AlertKey key = new AlertKey(CONNECTION, userDay("over@example.com", DAY1));
      Instant deadline = Instant.now().plusSeconds(60);
      while (budgets.alert(key).get().delivery() == Alert.Delivery.PENDING
          && Instant.now().isBefore(deadline)) {
        deliverAlerts(stack, alerts);
      }
      Alert alert = budgets.alert(key).get();
      assertEquals("failed", alert.state());
      assertEquals(AlertSender.MAX_ATTEMPTS, alert.attempts());
      assertEquals(AlertSender.MAX_ATTEMPTS, requests.get());
      assertEquals(Optional.of("the webhook answered HTTP 503"), alert.lastError());
      assertEquals(List.of(), drainAlertQueue(stack));
    } finally {
      webhook.stop(0);
    }
  }

  // ---- helpers

  /** {@code n} exports of 0.10 USD each for the user on the day. */
  private static List<QueuedExport> costs(String email, LocalDate day, int n) {
    return costs(email, day, 0, n);
  }

  /** Exports {@code first} to {@code first + n - 1} of the user-day (each its own delivery). */
  private static List<QueuedExport> costs(String email, LocalDate day, int first, int n) {
    long base = nanos(day + "T09:00:00Z");
    List<QueuedExport> exports = new ArrayList<>();
    for (int i = first; i < first + n; i++) {
      exports.add(
          QueuedExports.metrics(
              CONNECTION,
              OtlpRequests.metrics(email)
                  .delta("claude_code.cost.usage", base + i * 1_000_000L, 0.10, "model", "m")
                  .build()
                  .toByteArray()));
    }
    return exports;
  }

  private static UsageKey userDay(String email, LocalDate day) {
    return new UsageKey(day, UserIdentity.email(email));
  }

  private static long cost(DynamoDbBudgets budgets, String email, LocalDate day) {
    return BudgetWatch.cost(budgets.userDay(CONNECTION, userDay(email, day)).orElseThrow());
  }

  private AggregatorHandler aggregator(AwsTestStack stack) {
    return new AggregatorHandler(
        stack.components.aggregationService(),
        ServiceMetrics.NONE,
        Clock.systemUTC(),
        ActivityRecorder.NONE,
        5,
        stack.components.budgetWatch((message, failure) -> watchFailures.add(message)));
  }

  /** Aggregators of their own, in threads, taking batches of up to ten off one queue. */
  private void aggregateInParallel(AwsTestStack stack, List<QueuedExport> deliveries, int count)
      throws Exception {
    ConcurrentLinkedQueue<QueuedExport> queue = new ConcurrentLinkedQueue<>(deliveries);
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int a = 0; a < count; a++) {
        AggregatorHandler handler = aggregator(stack);
        running.add(
            pool.submit(
                () -> {
                  while (true) {
                    List<QueuedExport> batch = new ArrayList<>();
                    for (QueuedExport e = queue.poll(); e != null; e = queue.poll()) {
                      batch.add(e);
                      if (batch.size() == 10) {
                        break;
                      }
                    }
                    if (batch.isEmpty()) {
                      return null;
                    }
                    SQSBatchResponse response = handler.handleRequest(event(batch), null);
                    // A failed message is retried, as SQS would.
                    response
                        .getBatchItemFailures()
                        .forEach(
                            f -> queue.add(batch.get(Integer.parseInt(f.getItemIdentifier()))));
                  }
                }));
      }
      for (Future<?> aggregator : running) {
        aggregator.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static SQSEvent event(List<QueuedExport> batch) {
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
      record.setMessageId(Integer.toString(i));
      record.setBody(SqsExportMessages.body(batch.get(i)));
      Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
      SqsExportMessages.attributes(batch.get(i))
          .forEach(
              (name, value) -> {
                SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
                attribute.setDataType("String");
                attribute.setStringValue(value);
                attributes.put(name, attribute);
              });
      record.setMessageAttributes(attributes);
      records.add(record);
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(records);
    return event;
  }

  /** One receive from the alert queue through the alert handler, as the event source would. */
  private static void deliverAlerts(AwsTestStack stack, AlertHandler handler) {
    var sqs = stack.aws.sqs().client();
    List<Message> messages =
        sqs.receiveMessage(
                b -> b.queueUrl(stack.alertQueueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
            .messages();
    if (messages.isEmpty()) {
      return;
    }
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    for (Message message : messages) {
      SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
      record.setMessageId(message.messageId());
      record.setBody(message.body());
      records.add(record);
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(records);
    Set<String> failed = new HashSet<>();
    handler
        .handleRequest(event, null)
        .getBatchItemFailures()
        .forEach(f -> failed.add(f.getItemIdentifier()));
    for (Message message : messages) {
      if (!failed.contains(message.messageId())) {
        sqs.deleteMessage(
            b -> b.queueUrl(stack.alertQueueUrl).receiptHandle(message.receiptHandle()));
      }
    }
  }

  /** Every alert message now in the queue (delayed ones included), removed. */
  private static List<AlertKey> drainAlertQueue(AwsTestStack stack) throws InterruptedException {
    var sqs = stack.aws.sqs().client();
    List<AlertKey> keys = new ArrayList<>();
    Instant quiet = Instant.now().plusSeconds(2);
    while (Instant.now().isBefore(quiet)) {
      List<Message> messages =
          sqs.receiveMessage(
                  b -> b.queueUrl(stack.alertQueueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      for (Message message : messages) {
        keys.add(SqsAlertQueue.read(message.body()));
        sqs.deleteMessage(
            b -> b.queueUrl(stack.alertQueueUrl).receiptHandle(message.receiptHandle()));
        quiet = Instant.now().plusSeconds(2);
      }
    }
    return keys;
  }

  /** Counts exports with no budget watch: the state a crash after counting leaves. */
  private record AggregationServiceOnly(AwsTestStack stack) {
    void count(List<QueuedExport> exports) {
      stack
          .components
          .aggregationService()
          .aggregateAll(exports)
          .forEach(o -> assertFalse(o.failed()));
    }
  }
}
