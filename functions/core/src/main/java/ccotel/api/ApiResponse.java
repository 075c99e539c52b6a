package ccotel.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP answer from core: transports copy status, headers and body across unchanged. */
// Bodies are handed on, never compared: wrapping them to get value equality would copy them.
@SuppressWarnings("ArrayRecordComponent")
public record ApiResponse(int status, Map<String, String> headers, byte[] body) {

  public ApiResponse {
    headers = Map.copyOf(headers);
  }

  public static ApiResponse of(int status, String contentType, byte[] body) {
    return new ApiResponse(status, Map.of("Content-Type", contentType), body);
  }

  public ApiResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new ApiResponse(status, more, body);
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
