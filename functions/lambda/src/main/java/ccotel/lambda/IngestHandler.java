package ccotel.lambda;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.SecretToken;
import ccotel.auth.TokenScope;
import ccotel.ingest.IngestService;
import ccotel.metrics.ServiceMetrics;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;

/** {@code POST /api/otel/v1/metrics} and {@code /api/otel/v1/logs}: Claude Code's OTLP exports. */
public final class IngestHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  /** Rounds of sample exports when priming: enough for the JIT to compile the hot path. */
  private static final int PRIMING_ROUNDS = 300;

  private final IngestService ingest;
  private final ServiceMetrics metrics;

  /** Held here because CRaC holds hooks weakly. */
  private final Priming priming;

  /** For the Lambda runtime. */
  public IngestHandler() {
    this(Components.fromEnvironment());
  }

  IngestHandler(Components components) {
    this.ingest = components.ingestService();
    this.metrics = components.serviceMetrics();
    this.priming = Priming.beforeCheckpoint(() -> prime(components));
  }

  public IngestHandler(IngestService ingest) {
    this(ingest, ServiceMetrics.NONE);
  }

  public IngestHandler(IngestService ingest, ServiceMetrics metrics) {
    this.ingest = ingest;
    this.metrics = metrics;
    this.priming = Priming.NONE;
  }

  /** What the SnapStart hook runs before the snapshot (see {@link Priming}); for benchmarks too. */
  public void prime() {
    priming.run();
  }

  private void prime(Components components) {
    // The real path up to the token check: a token nobody holds, looked up in DynamoDB, is 401.
    // Not reported in the metrics: priming is no client's request.
    new IngestHandler(ingest)
        .handleRequest(
            Priming.event(
                "POST",
                IngestService.BASE_PATH + "/v1/metrics",
                Map.of(
                    "authorization",
                    "Bearer " + SecretToken.generate(TokenScope.INGEST).value(),
                    "content-type",
                    "application/x-protobuf"),
                Priming.sampleMetrics()),
            null);
    // Past it, in memory: decoding, mapping, the queue's encoding and the answers.
    IngestHandler inMemory =
        new IngestHandler(components.primingIngestService(), components.primingMetrics());
    String bearer = "Bearer " + SecretToken.generate(TokenScope.INGEST).value();
    byte[] metrics = Priming.sampleMetrics();
    byte[] logs = Priming.gzip(Priming.sampleLogs());
    byte[] json = Priming.sampleMetricsJson();
    for (int round = 0; round < PRIMING_ROUNDS; round++) {
      inMemory.handleRequest(
          sample("/v1/metrics", bearer, "application/x-protobuf", metrics), null);
      APIGatewayV2HTTPEvent gzipped = sample("/v1/logs", bearer, "application/x-protobuf", logs);
      gzipped.getHeaders().put("content-encoding", "gzip");
      inMemory.handleRequest(gzipped, null);
      inMemory.handleRequest(sample("/v1/metrics", bearer, "application/json", json), null);
    }
    components.readIngestQueue();
  }

  private static APIGatewayV2HTTPEvent sample(
      String signalPath, String bearer, String contentType, byte[] body) {
    return Priming.event(
        "POST",
        IngestService.BASE_PATH + signalPath,
        Map.of("authorization", bearer, "content-type", contentType),
        body);
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    ApiRequest request = ApiGatewayRequests.toApiRequest(event);
    ApiResponse response;
    try {
      response = ingest.accept(request);
    } catch (RuntimeException e) {
      InvocationLog.failure(context, "ingest " + event.getRawPath() + " failed", e);
      response = IngestService.unexpectedFailure(request);
    }
    InvocationLog.line(context, "ingest " + event.getRawPath() + " -> " + response.status());
    metrics.ingested(response.status());
    return ApiGatewayResponses.from(response);
  }
}
