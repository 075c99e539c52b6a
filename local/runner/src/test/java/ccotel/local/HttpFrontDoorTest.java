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
import org.junit.jupiter.api.Test;

/** The front door answers even when a handler throws, as API Gateway answers a failed function. */
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
}
