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
