package ccotel.lambda;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.api.Health;
import ccotel.auth.SecretToken;
import ccotel.auth.TokenScope;
import ccotel.query.UsageQueryService;
import ccotel.status.StatusService;
import ccotel.summary.SummaryService;
import ccotel.web.Dashboard;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * {@code GET /api/usage/claude_code}: daily usage for dashboards; {@code GET
 * /api/usage/claude_code/summary}: a range's usage summed for the dashboard; {@code GET /} and
 * {@code /assets/…}: the dashboard page that reads them; and {@code GET /healthz}, which answers
 * 200 once this function starts with a valid configuration (its clients are built then).
 */
public final class QueryHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  /** Rounds of sample queries when priming: enough for the JIT to compile the hot path. */
  private static final int PRIMING_ROUNDS = 300;

  private final UsageQueryService query;
  private final SummaryService summary;
  private final StatusService status;
  private final Dashboard dashboard = Dashboard.fromClasspath();

  /** Held here because CRaC holds hooks weakly. */
  private final Priming priming;

  /** For the Lambda runtime. */
  public QueryHandler() {
    this(Components.fromEnvironment());
  }

  QueryHandler(Components components) {
    this.query = components.queryService();
    this.summary = components.summaryService();
    this.status = components.statusService();
    this.priming = Priming.beforeCheckpoint(() -> prime(components));
  }

  public QueryHandler(UsageQueryService query, SummaryService summary, StatusService status) {
    this.query = query;
    this.summary = summary;
    this.status = status;
    this.priming = Priming.NONE;
  }

  /** What the SnapStart hook runs before the snapshot (see {@link Priming}); for benchmarks too. */
  public void prime() {
    priming.run();
  }

  private void prime(Components components) {
    // The real path up to the token check: a token nobody holds, looked up in DynamoDB, is 401.
    handleRequest(usageRequest(SecretToken.generate(TokenScope.READ)), null);
    handleRequest(Priming.event("GET", Health.PATH, Map.of(), null), null);
    // Past it, in memory: the range, the paging and the JSON of the sample export's usage.
    QueryHandler inMemory =
        new QueryHandler(
            components.primingQueryService(Priming.sampleUsage()),
            components.primingSummaryService(Priming.sampleUsage()),
            components.statusService());
    APIGatewayV2HTTPEvent sample = usageRequest(SecretToken.generate(TokenScope.READ));
    APIGatewayV2HTTPEvent summarySample = usageRequest(SecretToken.generate(TokenScope.READ));
    summarySample.setRawPath(SummaryService.PATH);
    summarySample.getRequestContext().getHttp().setPath(SummaryService.PATH);
    summarySample.setQueryStringParameters(
        Map.of(
            "starting_at",
            LocalDate.now(ZoneOffset.UTC).minusDays(29).toString(),
            "ending_at",
            LocalDate.now(ZoneOffset.UTC).toString()));
    for (int round = 0; round < PRIMING_ROUNDS; round++) {
      inMemory.handleRequest(sample, null);
      inMemory.handleRequest(summarySample, null);
    }
  }

  private static APIGatewayV2HTTPEvent usageRequest(SecretToken token) {
    APIGatewayV2HTTPEvent event =
        Priming.event(
            "GET",
            UsageQueryService.PATH,
            Map.of("authorization", "Bearer " + token.value()),
            null);
    event.setQueryStringParameters(
        Map.of("starting_at", LocalDate.now(ZoneOffset.UTC).toString(), "limit", "10"));
    return event;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    ApiRequest request = ApiGatewayRequests.toApiRequest(event);
    ApiResponse response;
    try {
      // Started means configured and its clients built: ready.
      if (Health.PATH.equals(request.path())) {
        response = Health.of(true);
      } else if (SummaryService.PATH.equals(request.path())) {
        response = summary.summarize(request);
      } else if (StatusService.PATH.equals(request.path())) {
        response = status.status(request);
      } else if (Dashboard.serves(request.path())) {
        response = dashboard.serve(request);
      } else {
        response = query.query(request);
      }
    } catch (RuntimeException e) {
      InvocationLog.failure(context, "query " + request.path() + " failed", e);
      response = UsageQueryService.unexpectedFailure();
    }
    InvocationLog.line(context, request.path() + " -> " + response.status());
    return ApiGatewayResponses.from(response);
  }
}
