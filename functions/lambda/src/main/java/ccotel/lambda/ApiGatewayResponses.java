package ccotel.lambda;

import ccotel.api.ApiResponse;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/** Core's {@link ApiResponse} as an API Gateway HTTP API (payload v2) response. */
public final class ApiGatewayResponses {

  private ApiGatewayResponses() {}

  public static APIGatewayV2HTTPResponse from(ApiResponse response) {
    String contentType = response.headers().getOrDefault("Content-Type", "");
    boolean text = isText(contentType);
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(response.status())
        .withHeaders(response.headers())
        .withBody(
            text
                ? new String(response.body(), StandardCharsets.UTF_8)
                : Base64.getEncoder().encodeToString(response.body()))
        .withIsBase64Encoded(!text)
        .build();
  }

  /** The bytes of a response that {@link #from} made. */
  public static byte[] body(APIGatewayV2HTTPResponse response) {
    String body = response.getBody() == null ? "" : response.getBody();
    return response.getIsBase64Encoded()
        ? Base64.getDecoder().decode(body)
        : body.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isText(String contentType) {
    String type = contentType.toLowerCase(Locale.ROOT);
    return type.startsWith("application/json") || type.startsWith("text/");
  }
}
