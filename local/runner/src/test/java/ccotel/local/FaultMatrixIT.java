package ccotel.local;

import static ccotel.testing.Json.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.aggregate.AggregationService;
import ccotel.aggregate.DayDelivery;
import ccotel.aggregate.ForwardingUsageStore;
import ccotel.aggregate.UsageCommit;
import ccotel.aggregate.UsageStore;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.aggregate.WriteConflictException;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.config.Config;
import ccotel.dynamodb.DynamoDbShardLayouts;
import ccotel.dynamodb.DynamoDbUsageStore;
import ccotel.embedded.EmbeddedAws;
import ccotel.lambda.AggregatorHandler;
import ccotel.lambda.AwsTestStack;
import ccotel.lambda.Components;
import ccotel.lambda.IngestHandler;
import ccotel.query.UsageQueryService;
import ccotel.testing.Fixtures;
import ccotel.testing.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Faults injected between the real parts — ingest handler, ElasticMQ (visibility timeout 1 s,
 * maxReceiveCount 2, a dead-letter queue), the poller standing in for Lambda's event source, the
 * aggregator handler and DynamoDB Local — and in every case the query API returns exactly the
 * scenario's expected usage. (kill -9 of the local runner is in {@link LocalRunnerIT}.)
 */
class FaultMatrixIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final String SCENARIO = "protobuf-cumulative";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private AwsTestStack stack;
  private FaultyStore store;

  private SqsPoller poller;
  private IngestHandler ingest;
  private UsageQueryService query;
  private ConnectionAdmin admin;

  @BeforeEach
  void setUp() {
    stack = new AwsTestStack(AWS);
    Config config = stack.config;
    store =
        new FaultyStore(
            new DynamoDbUsageStore(
                AWS.dynamoDb().client(),
                config.usageTable(),
                config.stateTable(),
                Clock.systemUTC(),
                config.deliveryRetention()));
    String queueArn =
        AWS.sqs()
            .client()
            .getQueueAttributes(
                b ->
                    b.queueUrl(config.ingestQueueUrl())
                        .attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    poller =
        new SqsPoller(
            AWS.sqs().client(),
            config.ingestQueueUrl(),
            queueArn,
            new AggregatorHandler(new AggregationService(store)));
    ingest = new IngestHandler(stack.components.ingestService());
    query = stack.components.queryService();
    admin = new ConnectionAdmin(stack.components.connectionRegistry(), Clock.systemUTC());
  }

  /** A new connection whose usage is spread over 4 keys, as new connections are. */
  private ConnectionAdmin.NewConnection sharded(String name) {
    ConnectionAdmin.NewConnection connection = admin.create(name);
    new DynamoDbShardLayouts(AWS.dynamoDb().client(), stack.config.usageTable(), Clock.systemUTC())
        .initial(connection.connection().id(), LocalDate.of(2000, 1, 1), 4);
    return connection;
  }

  @AfterEach
  void tearDown() {
    poller.close();
  }

  @Test
  void crashAfterTheWriteBeforeTheDelete_isCountedOnce() throws Exception {
    ConnectionAdmin.NewConnection connection = sharded("crash");
    // Each delivery's first write succeeds and then the aggregator "crashes": no SQS delete.
    Set<String> crashed = ConcurrentHashMap.newKeySet();
    store.afterWrite =
        written -> written.stream().map(crashed::add).reduce(false, Boolean::logicalOr);

    sendScenario(connection, 1);
    pollUntil(this::queueIsEmpty);

    assertEquals(
        Fixtures.requests(SCENARIO).size(),
        crashed.size(),
        "each export crashed once after its write");
    assertExpectedUsage(connection);
  }

  @Test
  void deathAfterReadingSeriesBeforeTheWrite_isCountedOnce() throws Exception {
    ConnectionAdmin.NewConnection connection = sharded("died");
    // Each cumulative export's aggregator "dies" once after reading its series, before writing.
    Set<String> died = ConcurrentHashMap.newKeySet();
    store.dieBeforeCommit = died::add;

    sendScenario(connection, 1);
    pollUntil(this::queueIsEmpty);

    long metricsExports =
        Fixtures.requests(SCENARIO).stream()
            .filter(request -> request.signal() == ccotel.otlp.OtlpSignal.METRICS)
            .count();
    assertEquals(metricsExports, died.size(), "every metrics export died once, then counted");
    assertEquals(0, deadLetterCount());
    assertExpectedUsage(connection);
  }

  @Test
  void duplicateSqsDeliveries_areCountedOnce() throws Exception {
    ConnectionAdmin.NewConnection connection = sharded("duplicates");
    sendScenario(connection, 1);
    // The queue delivers every message a second time (at-least-once), before and after the first.
    List<Message> queued = receiveAllVisible();
    for (Message message : queued) {
      AWS.sqs()
          .client()
          .sendMessage(
              b ->
                  b.queueUrl(stack.config.ingestQueueUrl())
                      .messageBody(message.body())
                      .messageAttributes(message.messageAttributes()));
    }
    pollUntil(this::queueIsEmpty);

    assertExpectedUsage(connection);
  }

  @Test
  void throttledDynamoDb_isRetriedUntilCountedOnce() throws Exception {
    ConnectionAdmin.NewConnection connection = sharded("throttled");
    // The first two writes are throttled: a whole batch each, which the queue hands over again
    // (this test's queue gives up after two receives).
    AtomicInteger throttles = new AtomicInteger(2);
    store.beforeWrite =
        connectionId -> {
          if (throttles.getAndDecrement() > 0) {
            throw new UsageStoreUnavailableException(
                "ProvisionedThroughputExceededException (injected)", null);
          }
        };

    sendScenario(connection, 1);
    pollUntil(() -> throttles.get() < 0 && queueIsEmpty());

    assertExpectedUsage(connection);
  }

  @Test
  void sqsDownDuringIngest_is503WithRetryAfter_thenTheRetryCountsOnce() throws Exception {
    ConnectionAdmin.NewConnection connection = sharded("sqs-down");
    Map<String, String> env = new HashMap<>(stack.config.toEnv());
    env.put(Config.INGEST_QUEUE_URL, "http://127.0.0.1:9/000000000000/unreachable");
    try (SqsClient unreachable = LocalAwsClients.sqs(URI.create("http://127.0.0.1:9"))) {
      IngestHandler down =
          new IngestHandler(
              new Components(
                      Config.fromEnv(env), AWS.dynamoDb().client(), unreachable, Clock.systemUTC())
                  .ingestService());
      for (Fixtures.CapturedRequest request : Fixtures.requests(SCENARIO)) {
        APIGatewayV2HTTPResponse answer = down.handleRequest(event(request, connection), null);
        assertEquals(503, answer.getStatusCode(), answer.getBody());
        assertEquals("5", answer.getHeaders().get("Retry-After"));
      }
    }
    pollUntil(this::queueIsEmpty);
    assertEquals(0, usage(connection).size(), "nothing refused is counted");

    // The exporter retries the same bytes; one of them twice (its first answer timed out).
    sendScenario(connection, 2);
    pollUntil(this::queueIsEmpty);

    assertExpectedUsage(connection);
  }

  @Test
  void poisonMessage_goesToTheDeadLetterQueue_withoutBlockingOthers_andReplaysOnce()
      throws Exception {
    ConnectionAdmin.NewConnection poisoned = admin.create("poisoned");
    ConnectionAdmin.NewConnection healthy = admin.create("healthy");
    String poisonedId = poisoned.connection().id();
    store.beforeWrite =
        connectionId -> {
          if (connectionId.equals(poisonedId)) {
            throw new IllegalStateException("item rejected (injected)");
          }
        };

    sendScenario(poisoned, 1);
    sendScenario(healthy, 1);
    pollUntil(() -> queueIsEmpty() && deadLetterCount() == Fixtures.requests(SCENARIO).size());

    assertExpectedUsage(healthy);
    assertEquals(0, usage(poisoned).size());
    DeadLetters deadLetters =
        new DeadLetters(
            AWS.sqs().client(), stack.deadLetterQueueUrl, stack.config.ingestQueueUrl());
    List<DeadLetters.DeadLetter> letters = deadLetters.list();
    assertEquals(Fixtures.requests(SCENARIO).size(), letters.size());
    letters.forEach(letter -> assertEquals(poisonedId, letter.connectionId()));

    // The cause is fixed; replay, then replay again by mistake after a redelivery.
    store.beforeWrite = connectionId -> {};
    assertEquals(letters.size(), deadLetters.replay());
    pollUntil(this::queueIsEmpty);
    sendScenario(poisoned, 1);
    pollUntil(this::queueIsEmpty);

    assertExpectedUsage(poisoned);
    assertExpectedUsage(healthy);
  }

  @Test
  void aConnection_canNeitherReadNorWriteAnothersData() throws Exception {
    ConnectionAdmin.NewConnection a = sharded("team-a"); // b keeps one key
    ConnectionAdmin.NewConnection b = admin.create("team-b");
    sendScenario(a, 1);
    String day =
        Json.read(Fixtures.expected(SCENARIO)).get(0).get("date").asText().substring(0, 10);
    // B's users sort on either side of A's dev@example.com.
    for (String email : List.of("ana@example.com", "zoe@example.com")) {
      byte[] prompt =
          ccotel.testing.OtlpRequests.logs(email)
              .event("user_prompt", ccotel.testing.OtlpRequests.nanos(day + "T10:00:00Z"))
              .build()
              .toByteArray();
      APIGatewayV2HTTPResponse answer =
          ingest.handleRequest(
              HttpFrontDoor.event(
                  "POST",
                  "/api/otel/v1/logs",
                  "",
                  new HashMap<>(
                      Map.of(
                          "content-type",
                          "application/x-protobuf",
                          "authorization",
                          "Bearer " + b.ingestToken().value())),
                  prompt),
              null);
      assertEquals(200, answer.getStatusCode(), answer.getBody());
    }
    pollUntil(this::queueIsEmpty);

    assertExpectedUsage(a);
    assertEquals(List.of("ana@example.com", "zoe@example.com"), emails(usage(b)));
    // A cursor pointing at A's record (its date and actor position, encoded as the API encodes
    // them) only says where to start: B reads its own records after it, never A's.
    String atA =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                (day + " dev@example.com\u00000")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ApiResponse withCursor =
        queryAs(b.readToken().value(), Map.of("starting_at", day, "page", atA));
    assertEquals(200, withCursor.status(), withCursor.bodyText());
    assertEquals(List.of("zoe@example.com"), emails(Json.read(withCursor.body()).get("data")));
    // Tokens only work for their own scope: B's read token cannot write, A's ingest cannot read.
    Fixtures.CapturedRequest request = Fixtures.requests(SCENARIO).get(0);
    APIGatewayV2HTTPEvent withReadToken = event(request, a);
    withReadToken.getHeaders().put("authorization", "Bearer " + b.readToken().value());
    assertEquals(403, ingest.handleRequest(withReadToken, null).getStatusCode());
    ApiResponse readWithIngestToken = queryAs(a.ingestToken().value(), Map.of("starting_at", day));
    assertEquals(403, readWithIngestToken.status());
  }

  @Test
  void exportLargerThanAnSqsMessage_isSplit_andCountedOnceEvenWhenRetried() throws Exception {
    ConnectionAdmin.NewConnection connection = sharded("large");
    java.util.Random random = new java.util.Random(11);
    long time = ccotel.testing.OtlpRequests.nanos("2026-11-24T10:00:00Z");
    ccotel.testing.OtlpRequests.LogsBuilder logs =
        ccotel.testing.OtlpRequests.logs("dev@example.com");
    // Long values in an attribute counting reads (any other is never queued): every such
    // tool_result counts as failed.
    int results = 2200;
    for (int i = 0; i < results; i++) {
      logs.event("tool_result", time + i, "tool_name", "Bash", "success", randomText(random, 1024));
    }
    // And one record that no split can make small enough, only trimming its long value.
    byte[] body =
        logs.build().toBuilder()
            .mergeFrom(
                ccotel.testing.OtlpRequests.logs("dev@example.com")
                    .event(
                        "tool_result",
                        time,
                        "tool_name",
                        "Bash",
                        "success",
                        randomText(random, 900 * 1024))
                    .build())
            .build()
            .toByteArray();
    assertTrue(body.length > 3 * 1024 * 1024, "larger than three SQS messages: " + body.length);
    APIGatewayV2HTTPEvent event =
        HttpFrontDoor.event(
            "POST",
            "/api/otel/v1/logs",
            "",
            new HashMap<>(
                Map.of(
                    "content-type",
                    "application/x-protobuf",
                    "authorization",
                    "Bearer " + connection.ingestToken().value())),
            body);

    for (int attempt = 0; attempt < 2; attempt++) { // the client retries after a timeout
      APIGatewayV2HTTPResponse answer = ingest.handleRequest(event, null);
      assertEquals(200, answer.getStatusCode(), answer.getBody());
    }
    assertTrue(queuedCount() >= 2 * 4, "split into at least four messages per copy");
    pollUntil(this::queueIsEmpty);

    JsonNode usage = usage(connection);
    assertEquals(1, usage.size());
    JsonNode bash = usage.get(0).get("ccotel").get("tool_results").get("Bash");
    assertEquals(results + 1, bash.get("failed").asLong());
    assertEquals(0, bash.get("succeeded").asLong());
  }

  private static String randomText(java.util.Random random, int length) {
    byte[] bytes = new byte[length * 3 / 4];
    random.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes).substring(0, length);
  }

  private int queuedCount() {
    return Integer.parseInt(
        AWS.sqs()
            .client()
            .getQueueAttributes(
                b ->
                    b.queueUrl(stack.config.ingestQueueUrl())
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  // ---- helpers

  private void sendScenario(ConnectionAdmin.NewConnection connection, int copies) {
    for (int copy = 0; copy < copies; copy++) {
      for (Fixtures.CapturedRequest request : Fixtures.requests(SCENARIO)) {
        APIGatewayV2HTTPResponse answer = ingest.handleRequest(event(request, connection), null);
        assertEquals(200, answer.getStatusCode(), answer.getBody());
      }
    }
  }

  private static APIGatewayV2HTTPEvent event(
      Fixtures.CapturedRequest request, ConnectionAdmin.NewConnection connection) {
    return HttpFrontDoor.event(
        request.method(),
        request.path(),
        "",
        request.headersWithToken(connection.ingestToken().value()),
        request.body());
  }

  private void pollUntil(BooleanSupplier done) {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (!done.getAsBoolean()) {
      assertTrue(Instant.now().isBefore(deadline), "the queue did not settle in time");
      poller.pollOnce();
    }
  }

  private boolean queueIsEmpty() {
    Map<QueueAttributeName, String> counts =
        AWS.sqs()
            .client()
            .getQueueAttributes(
                b ->
                    b.queueUrl(stack.config.ingestQueueUrl())
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return counts.values().stream().allMatch("0"::equals);
  }

  private int deadLetterCount() {
    return Integer.parseInt(
        AWS.sqs()
            .client()
            .getQueueAttributes(
                b ->
                    b.queueUrl(stack.deadLetterQueueUrl)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  /** Receives every visible message without deleting it (it comes back after 1 s). */
  private List<Message> receiveAllVisible() {
    return AWS.sqs()
        .client()
        .receiveMessage(
            b ->
                b.queueUrl(stack.config.ingestQueueUrl())
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds(1)
                    .messageAttributeNames("All"))
        .messages();
  }

  private ApiResponse queryAs(String token, Map<String, String> parameters) {
    return query.query(
        new ApiRequest(
            "GET",
            UsageQueryService.PATH,
            Map.of("Authorization", "Bearer " + token),
            parameters,
            new byte[0]));
  }

  private JsonNode usage(ConnectionAdmin.NewConnection connection) throws Exception {
    String day =
        Json.read(Fixtures.expected(SCENARIO)).get(0).get("date").asText().substring(0, 10);
    ApiResponse answer = queryAs(connection.readToken().value(), Map.of("starting_at", day));
    assertEquals(200, answer.status(), answer.bodyText());
    return Json.read(answer.body()).get("data");
  }

  private static List<String> emails(JsonNode records) {
    List<String> emails = new java.util.ArrayList<>();
    records.forEach(r -> emails.add(r.get("actor").get("email_address").asText()));
    return emails;
  }

  private void assertExpectedUsage(ConnectionAdmin.NewConnection connection) throws Exception {
    assertJsonEquals(Json.read(Fixtures.expected(SCENARIO)), usage(connection));
  }

  /** The DynamoDB adapter with faults injected around its writes. */
  static final class FaultyStore extends ForwardingUsageStore {

    /** Runs before each write of usage (a commit, or plain counting) of a connection. */
    interface Fault {
      void apply(String connectionId) throws UsageStoreUnavailableException;
    }

    volatile Fault beforeWrite = connectionId -> {};

    /** Given the delivery ids a write counted, whether to "crash" after it. */
    volatile java.util.function.Predicate<List<String>> afterWrite = written -> false;

    /** Given a transaction's delivery id, whether its aggregator "dies" before writing it. */
    volatile java.util.function.Predicate<String> dieBeforeCommit = deliveryId -> false;

    FaultyStore(UsageStore delegate) {
      super(delegate);
    }

    @Override
    public boolean commit(UsageCommit commit)
        throws UsageStoreUnavailableException, WriteConflictException {
      beforeWrite.apply(commit.connectionId());
      if (dieBeforeCommit.test(commit.deliveryId())) {
        throw new IllegalStateException("died before the write (injected)");
      }
      boolean written = super.commit(commit);
      if (afterWrite.test(List.of(commit.deliveryId()))) {
        throw new IllegalStateException("crashed after the write (injected)");
      }
      return written;
    }

    @Override
    public Map<String, Counted> countOnce(String connectionId, List<DayDelivery> deliveries)
        throws UsageStoreUnavailableException {
      beforeWrite.apply(connectionId);
      Map<String, Counted> counted = super.countOnce(connectionId, deliveries);
      if (afterWrite.test(deliveries.stream().map(DayDelivery::deliveryId).toList())) {
        throw new IllegalStateException("crashed after the write (injected)");
      }
      return counted;
    }
  }
}
