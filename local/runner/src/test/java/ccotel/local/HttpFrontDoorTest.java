package ccotel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The front door as API Gateway: it answers even when a handler throws, as API Gateway answers a
 * failed function, and hands the handlers the event API Gateway would.
 */
class HttpFrontDoorTest {

  @Test
  void aHandlerThatThrows_isAnswered500() throws Exception {
    // The seam is the one LocalStack uses: the handlers the front door is given.
    RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> failing =
        (event, context) -> {
          throw new IllegalStateException("a bug in a handler");
        };
    try (HttpFrontDoor frontDoor =
        new HttpFrontDoor(
            0,
            new HttpFrontDoor.Backend(failing, header -> true),
            new HttpFrontDoor.Backend(failing, header -> true),
            () -> true)) {
      frontDoor.start();
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + frontDoor.port();

      HttpResponse<String> query =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(base + "/api/usage/claude_code?starting_at=2026-11-24"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> ingest =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/otel/v1/metrics"))
                  .timeout(Duration.ofSeconds(30))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertEquals(500, query.statusCode());
      assertEquals("internal error\n", query.body());
      assertEquals(500, ingest.statusCode());
    }
  }

  @Test
  void aRepeatedQueryParameter_reachesTheHandlerJoinedWithCommas_asApiGatewayJoinsIt()
      throws Exception {
    AtomicReference<APIGatewayV2HTTPEvent> seen = new AtomicReference<>();
    RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> recording =
        (event, context) -> {
          seen.set(event);
          return APIGatewayV2HTTPResponse.builder().withStatusCode(204).build();
        };
    try (HttpFrontDoor frontDoor =
        new HttpFrontDoor(
            0,
            new HttpFrontDoor.Backend(recording, header -> true),
            new HttpFrontDoor.Backend(recording, header -> true),
            () -> true)) {
      frontDoor.start();

      HttpResponse<String> answer =
          get(
              frontDoor,
              "/api/usage/claude_code?starting_at=2026-11-24&limit=5&starting_at=2026-11-25"
                  + "&page=a%2Cb");

      assertEquals(204, answer.statusCode());
      assertEquals(
          Map.of("starting_at", "2026-11-24,2026-11-25", "limit", "5", "page", "a,b"),
          seen.get().getQueryStringParameters());
      assertEquals(
          "starting_at=2026-11-24&limit=5&starting_at=2026-11-25&page=a%2Cb",
          seen.get().getRawQueryString());
    }
  }

  @Test
  void healthz_answersTheServicesHealthJson_503UntilReady() throws Exception {
    RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> unused =
        (event, context) -> {
          throw new AssertionError("/healthz is the front door's own");
        };
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HttpFrontDoor frontDoor =
        new HttpFrontDoor(
            0,
            new HttpFrontDoor.Backend(unused, header -> true),
            new HttpFrontDoor.Backend(unused, header -> true),
            ready::get)) {
      frontDoor.start();

      HttpResponse<String> starting = get(frontDoor, "/healthz");
      ready.set(true);
      HttpResponse<String> ok = get(frontDoor, "/healthz");

      assertEquals(503, starting.statusCode());
      assertEquals("{\"status\":\"starting\"}", starting.body());
      assertEquals("1", starting.headers().firstValue("Retry-After").orElseThrow());
      assertEquals(200, ok.statusCode());
      assertEquals("application/json", ok.headers().firstValue("Content-Type").orElseThrow());
      assertEquals("{\"status\":\"ok\"}", ok.body());
    }
  }

  private static HttpResponse<String> get(HttpFrontDoor frontDoor, String target) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontDoor.port() + target))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
