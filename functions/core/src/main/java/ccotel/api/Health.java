package ccotel.api;

import java.nio.charset.StandardCharsets;

/**
 * The answer of {@code GET /healthz}, the same from the deployed query function and from the local
 * runner: {@code {"status":"ok"}} once ready, {@code {"status":"starting"}} with 503 before.
 */
public final class Health {

  public static final String PATH = "/healthz";

  private static final String JSON = "application/json";

  private Health() {}

  public static ApiResponse of(boolean ready) {
    return ready
        ? ApiResponse.of(200, JSON, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8))
        : ApiResponse.of(503, JSON, "{\"status\":\"starting\"}".getBytes(StandardCharsets.UTF_8))
            .withHeader("Retry-After", "1");
  }
}
