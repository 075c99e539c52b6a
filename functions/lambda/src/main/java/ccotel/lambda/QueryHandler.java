package ccotel.lambda;

import ccotel.api.ApiResponse;
import ccotel.query.UsageQueryService;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/** {@code GET /api/usage/claude_code}: daily usage for dashboards. */
public final class QueryHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

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
    ApiResponse response = query.query(ApiGatewayRequests.toApiRequest(event));
    InvocationLog.line(context, "query -> " + response.status());
    return ApiGatewayResponses.from(response);
  }
}
