package ccotel.query;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ReadView;
import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenGrant;
import ccotel.auth.TokenScope;

/** The answers every read endpoint (usage records, summary) gives alike, in the API's format. */
public final class QueryAnswers {

  static final String JSON = "application/json";

  private QueryAnswers() {}

  /** A read of an endpoint: the connection it was granted for, or the answer that refuses it. */
  public record Read(TokenGrant grant, ApiResponse refusal) {
    public boolean refused() {
      return refusal != null;
    }

    public String connectionId() {
      return grant.connectionId();
    }

    /** What the read token may see. */
    public ReadView view() {
      return grant.view();
    }
  }

  /**
   * Admits a {@code GET} of {@code path} (where {@code what} lives) with a read token, or refuses
   * it with 404, 405, or the 401, 403 or 503 of a token that was not granted.
   */
  public static Read read(
      ApiRequest request, String path, String what, TokenAuthorizer authorizer) {
    if (!path.equals(request.path())) {
      return refused(error(404, "not_found_error", "no such path; " + what + " is at " + path));
    }
    if (!"GET".equals(request.method())) {
      return refused(
          error(405, "invalid_request_error", "method not allowed; use GET")
              .withHeader("Allow", "GET"));
    }
    TokenAuthorizer.Authorization authorization =
        authorizer.authorize(request.header("authorization"), TokenScope.READ);
    return switch (authorization.verdict()) {
      case UNAUTHENTICATED ->
          refused(
              error(401, "authentication_error", authorization.message())
                  .withHeader("WWW-Authenticate", "Bearer"));
      case WRONG_SCOPE -> refused(error(403, "permission_error", authorization.message()));
      case UNAVAILABLE -> refused(unavailable(authorization.message()));
      case GRANTED -> new Read(authorization.grant().orElseThrow(), null);
    };
  }

  private static Read refused(ApiResponse answer) {
    return new Read(null, answer);
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
