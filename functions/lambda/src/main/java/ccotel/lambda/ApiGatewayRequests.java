package ccotel.lambda;

import ccotel.api.ApiRequest;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/** API Gateway HTTP API (payload v2) events as core's {@link ApiRequest}. */
public final class ApiGatewayRequests {

  private ApiGatewayRequests() {}

  public static ApiRequest toApiRequest(APIGatewayV2HTTPEvent event) {
    String method =
        event.getRequestContext() != null && event.getRequestContext().getHttp() != null
            ? event.getRequestContext().getHttp().getMethod()
            : "";
    String body = event.getBody();
    byte[] bytes;
    if (body == null) {
      bytes = new byte[0];
    } else if (event.getIsBase64Encoded()) {
      // API Gateway base64-encodes binary bodies such as protobuf and gzip.
      bytes = Base64.getDecoder().decode(body);
    } else {
      bytes = body.getBytes(StandardCharsets.UTF_8);
    }
    return new ApiRequest(
        method == null ? "" : method.toUpperCase(Locale.ROOT),
        event.getRawPath() == null ? "" : event.getRawPath(),
        orEmpty(event.getHeaders()),
        orEmpty(event.getQueryStringParameters()),
        bytes);
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
