package ccotel.query;

import ccotel.api.ApiResponse;
import ccotel.auth.TokenAuthorizer;
import java.util.Optional;

/** The answers every read endpoint (usage records, summary) gives alike, in the API's format. */
public final class QueryAnswers {

  static final String JSON = "application/json";

  private QueryAnswers() {}

  /** The 401, 403 or 503 for a read token that was not granted; empty when it was. */
  public static Optional<ApiResponse> refusal(TokenAuthorizer.Authorization authorization) {
    return switch (authorization.verdict()) {
      case UNAUTHENTICATED ->
          Optional.of(
              error(401, "authentication_error", authorization.message())
                  .withHeader("WWW-Authenticate", "Bearer"));
      case WRONG_SCOPE -> Optional.of(error(403, "permission_error", authorization.message()));
      case UNAVAILABLE -> Optional.of(unavailable(authorization.message()));
      case GRANTED -> Optional.empty();
    };
  }

  /** An error answer, shaped like the Anthropic API's: {"error": {"type", "message"}}. */
  public static ApiResponse error(int status, String type, String message) {
    return ApiResponse.of(status, JSON, UsageJson.error(type, message));
  }

  public static ApiResponse badRequest(String message) {
    return error(400, "invalid_request_error", message);
  }

  /** An outage of a store or table: the same request may succeed later. */
  public static ApiResponse unavailable(String message) {
    return error(503, "api_error", message).withHeader("Retry-After", "5");
  }

  /**
   * The answer to a request that failed in a way nobody foresaw: a defect, not an outage, so 500
   * (retrying the same request would fail the same way), in the API's error format.
   */
  public static ApiResponse unexpectedFailure() {
    return error(500, "api_error", "internal error; the service has logged it");
  }
}
