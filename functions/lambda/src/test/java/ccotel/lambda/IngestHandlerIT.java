package ccotel.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.config.Config;
import ccotel.embedded.EmbeddedAws;
import ccotel.ingest.QueuedExport;
import ccotel.otlp.OtlpDecoder;
import ccotel.otlp.OtlpEncoding;
import ccotel.otlp.OtlpSignal;
import ccotel.sqs.SqsExportMessages;
import ccotel.usage.CountingProjection;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sqs.model.Message;

/** The ingest handler on the sample events of events/, with DynamoDB Local and ElasticMQ. */
class IngestHandlerIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private AwsTestStack stack;
  private IngestHandler handler;

  @BeforeEach
  void setUp() {
    stack = new AwsTestStack(AWS);
    SampleConnection.register(stack);
    handler = new IngestHandler(stack.components.ingestService());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "events/ingest/metrics-protobuf.json, METRICS, application/x-protobuf",
    "events/ingest/metrics-protobuf-gzip.json, METRICS, application/x-protobuf",
    "events/ingest/metrics-json.json, METRICS, application/json",
    "events/ingest/logs-protobuf.json, LOGS, application/x-protobuf"
  })
  void sampleEvent_isAcceptedAndQueuedOnce(String file, OtlpSignal signal, String contentType)
      throws Exception {
    APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(file);

    APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

    assertEquals(200, response.getStatusCode(), response.getBody());
    assertEquals(contentType, response.getHeaders().get("Content-Type"));
    List<Message> messages = receiveAll();
    assertEquals(1, messages.size());
    QueuedExport queued = read(messages.get(0));
    assertEquals(SampleConnection.ID, queued.connectionId());
    assertEquals(signal, queued.signal());
    byte[] sent = requestBody(event);
    OtlpEncoding encoding = OtlpEncoding.fromContentType(contentType).orElseThrow();
    com.google.protobuf.Message decoded = OtlpDecoder.decode(signal, encoding, sent);
    assertEquals(
        decoded instanceof ExportMetricsServiceRequest metrics
            ? CountingProjection.of(metrics)
            : CountingProjection.of((ExportLogsServiceRequest) decoded),
        OtlpDecoder.decode(signal, OtlpEncoding.PROTOBUF, queued.protobufBody()));
  }

  @Test
  void wrongToken_is401_andNothingIsQueued() {
    APIGatewayV2HTTPEvent event =
        EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-protobuf.json");
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("authorization", "Bearer ccotel_ingest_wrong");
    event.setHeaders(headers);

    APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

    assertEquals(401, response.getStatusCode());
    assertTrue(response.getIsBase64Encoded(), "protobuf Status bodies travel base64-encoded");
    assertEquals(0, receiveAll().size());
  }

  @Test
  void readTokenOnIngest_is403() {
    APIGatewayV2HTTPEvent event =
        EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-json.json");
    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("authorization", "Bearer " + SampleConnection.READ_TOKEN);
    event.setHeaders(headers);

    APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

    assertEquals(403, response.getStatusCode());
    assertTrue(response.getBody().contains("\"code\":7"), response.getBody());
    assertEquals(0, receiveAll().size());
  }

  @Test
  void queueUnreachable_is503WithRetryAfter() {
    Map<String, String> env = new HashMap<>(stack.config.toEnv());
    env.put(Config.INGEST_QUEUE_URL, stack.config.ingestQueueUrl() + "-does-not-exist");
    Components broken =
        new Components(
            Config.fromEnv(env), AWS.dynamoDb().client(), AWS.sqs().client(), Clock.systemUTC());
    IngestHandler brokenHandler = new IngestHandler(broken.ingestService());

    APIGatewayV2HTTPResponse response =
        brokenHandler.handleRequest(
            EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-protobuf.json"), null);

    assertEquals(503, response.getStatusCode());
    assertEquals("5", response.getHeaders().get("Retry-After"));
  }

  @Test
  void logs_neverContainTokensOrTheirHashes() {
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.err;
    System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      APIGatewayV2HTTPEvent accepted =
          EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-protobuf.json");
      assertEquals(200, handler.handleRequest(accepted, null).getStatusCode());
      APIGatewayV2HTTPEvent wrongToken =
          EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-protobuf.json");
      wrongToken.getHeaders().put("authorization", "Bearer ccotel_ingest_wrong_and_secret");
      assertEquals(401, handler.handleRequest(wrongToken, null).getStatusCode());
      // A failure nobody foresaw is logged with its exception, still without the token.
      IngestHandler failing =
          new IngestHandler(
              new ccotel.ingest.IngestService(
                  new ccotel.auth.TokenAuthorizer(stack.components.connectionRegistry()),
                  export -> {
                    throw new IllegalStateException("queue client broke (test)");
                  },
                  Clock.systemUTC(),
                  1 << 20));
      APIGatewayV2HTTPResponse unexpected =
          failing.handleRequest(
              EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-protobuf.json"), null);
      assertEquals(503, unexpected.getStatusCode());
      assertEquals("5", unexpected.getHeaders().get("Retry-After"));
    } finally {
      System.setErr(original);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertTrue(logs.contains("-> 200") && logs.contains("-> 503"), logs);
    for (String secret :
        List.of(
            SampleConnection.INGEST_TOKEN,
            ccotel.auth.TokenHash.of(SampleConnection.INGEST_TOKEN).hex(),
            "ccotel_ingest_wrong_and_secret",
            ccotel.auth.TokenHash.of("ccotel_ingest_wrong_and_secret").hex())) {
      assertTrue(!logs.contains(secret), "a token or hash in the logs: " + logs);
    }
  }

  @Test
  void aUserTokensExport_isQueuedForItsUserOnly_andLoggedWithoutTokenOrEmail() throws Exception {
    String email = "never-logged@example.com";
    ccotel.auth.ConnectionAdmin admin =
        new ccotel.auth.ConnectionAdmin(stack.components.connectionRegistry(), Clock.systemUTC());
    String token =
        admin
            .issueUserToken(SampleConnection.ID, email, java.util.Optional.of("Never Logged"))
            .value();
    APIGatewayV2HTTPEvent event =
        EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-protobuf.json");
    event.getHeaders().put("authorization", "Bearer " + token);
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.err;
    System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(200, handler.handleRequest(event, null).getStatusCode());
      admin.revokeUserTokens(SampleConnection.ID, email);
      APIGatewayV2HTTPEvent revoked =
          EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-protobuf.json");
      revoked.getHeaders().put("authorization", "Bearer " + token);
      // Built without the cache, as the stack's would keep the grant for its TTL.
      IngestHandler uncached =
          new IngestHandler(
              new ccotel.ingest.IngestService(
                  new ccotel.auth.TokenAuthorizer(stack.components.connectionRegistry()),
                  export -> {},
                  Clock.systemUTC(),
                  1 << 20));
      assertEquals(401, uncached.handleRequest(revoked, null).getStatusCode());
    } finally {
      System.setErr(original);
    }

    List<Message> messages = receiveAll();
    assertEquals(1, messages.size());
    ExportMetricsServiceRequest queued =
        ExportMetricsServiceRequest.parseFrom(read(messages.get(0)).protobufBody());
    List<String> identities = new java.util.ArrayList<>();
    queued
        .getResourceMetricsList()
        .forEach(
            r -> {
              r.getResource().getAttributesList().stream()
                  .filter(a -> a.getKey().startsWith("user."))
                  .forEach(a -> identities.add(a.getKey() + "=" + a.getValue().getStringValue()));
              r.getScopeMetricsList()
                  .forEach(
                      s ->
                          s.getMetricsList()
                              .forEach(
                                  m ->
                                      m.getSum()
                                          .getDataPointsList()
                                          .forEach(
                                              p ->
                                                  p.getAttributesList().stream()
                                                      .filter(a -> a.getKey().startsWith("user."))
                                                      .forEach(
                                                          a -> identities.add("point " + a)))));
            });
    assertEquals(List.of("user.email=" + email), identities);
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertTrue(logs.contains("-> 200") && logs.contains("-> 401"), logs);
    for (String secret : List.of(token, ccotel.auth.TokenHash.of(token).hex(), email)) {
      assertTrue(!logs.contains(secret), "a token, hash or e-mail in the logs: " + logs);
    }
  }

  private List<Message> receiveAll() {
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

  static QueuedExport read(Message message) {
    Map<String, String> attributes = new HashMap<>();
    message.messageAttributes().forEach((k, v) -> attributes.put(k, v.stringValue()));
    return SqsExportMessages.read(message.body(), attributes);
  }

  private static byte[] requestBody(APIGatewayV2HTTPEvent event) throws Exception {
    byte[] raw =
        event.getIsBase64Encoded()
            ? Base64.getDecoder().decode(event.getBody())
            : event.getBody().getBytes(StandardCharsets.UTF_8);
    if ("gzip".equals(event.getHeaders().get("content-encoding"))) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        return in.readAllBytes();
      }
    }
    return raw;
  }
}
