package ccotel.bench;

import ccotel.auth.CachingConnectionLookup;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.InMemoryConnectionRegistry;
import ccotel.auth.TokenAuthorizer;
import ccotel.ingest.IngestService;
import ccotel.lambda.IngestHandler;
import ccotel.testing.Fixtures;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Warm latency of the ingest Lambda handler on a captured export, API Gateway event in, response
 * out: token from the auth cache, enqueue stubbed at the port. JMH's sample mode reports the
 * percentiles (p50, p99) in the results file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IngestLatencyBenchmark {

  @Param({"protobuf-delta/0003-metrics", "json-delta/0003-metrics", "extra-gzip/0003-metrics"})
  public String request;

  private IngestHandler handler;
  private APIGatewayV2HTTPEvent event;
  private final QuietContext context = new QuietContext();

  @Setup
  public void setUp() {
    InMemoryConnectionRegistry registry = new InMemoryConnectionRegistry(Clock.systemUTC());
    ConnectionAdmin.NewConnection connection =
        new ConnectionAdmin(registry, Clock.systemUTC()).create("bench");
    TokenAuthorizer authorizer =
        new TokenAuthorizer(
            new CachingConnectionLookup(registry, Clock.systemUTC(), Duration.ofSeconds(30)));
    handler =
        new IngestHandler(
            new IngestService(authorizer, export -> {}, Clock.systemUTC(), 4 * 1024 * 1024));
    String[] parts = request.split("/");
    Fixtures.CapturedRequest captured = BenchFixtures.request(parts[0], parts[1]);
    event =
        APIGatewayV2HTTPEvent.builder()
            .withRawPath(captured.path())
            .withHeaders(captured.headersWithToken(connection.ingestToken().value()))
            .withBody(Base64.getEncoder().encodeToString(captured.body()))
            .withIsBase64Encoded(true)
            .withRequestContext(
                APIGatewayV2HTTPEvent.RequestContext.builder()
                    .withHttp(
                        APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                            .withMethod("POST")
                            .build())
                    .build())
            .build();
    APIGatewayV2HTTPResponse first = handler.handleRequest(event, context);
    if (first.getStatusCode() != 200) {
      throw new IllegalStateException("the benchmark request is refused: " + first.getBody());
    }
  }

  @Benchmark
  public APIGatewayV2HTTPResponse handle() {
    return handler.handleRequest(event, context);
  }
}
