package ccotel.lambda;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.query.UsageQueryService;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/**
 * {@code GET /api/usage/claude_code}: daily usage for dashboards; and {@code GET /healthz}, which
 * answers 200 once this function starts with a valid configuration (its clients are built then).
 */
public final class QueryHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  public static final String HEALTH_PATH = "/healthz";

  private static final ApiResponse HEALTHY =
      new ApiResponse(
          200,
          java.util.Map.of("Content-Type", "application/json"),
          "{\"status\":\"ok\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

  private final UsageQueryService query;

  /** For the Lambda runtime. */
  public QueryHandler() {
    this(Components.fromEnvironment().queryService());
  }

  public QueryHandler(UsageQueryService query) {
    this.query = query;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    ApiRequest request = ApiGatewayRequests.toApiRequest(event);
    ApiResponse response = HEALTH_PATH.equals(request.path()) ? HEALTHY : query.query(request);
    InvocationLog.line(context, request.path() + " -> " + response.status());
    return ApiGatewayResponses.from(response);
  }
}
