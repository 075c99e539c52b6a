package ccotel.lambda;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.ingest.IngestService;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/** {@code POST /api/otel/v1/metrics} and {@code /api/otel/v1/logs}: Claude Code's OTLP exports. */
public final class IngestHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  private final IngestService ingest;

  /** For the Lambda runtime. */
  public IngestHandler() {
    this(Components.fromEnvironment().ingestService());
  }

  public IngestHandler(IngestService ingest) {
    this.ingest = ingest;
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
    return ApiGatewayResponses.from(response);
  }
}
