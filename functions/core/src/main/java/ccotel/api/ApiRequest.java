package ccotel.api;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP request as core sees it, independent of API Gateway or the local server.
 *
 * @param method upper-case HTTP method
 * @param path the request path without query string
 * @param headers header names lower-cased (HTTP names are case-insensitive)
 * @param query decoded query-string parameters (the first value of a repeated name)
 * @param body raw body bytes, already base64-decoded where the transport encoded it
 */
// Bodies are handed on, never compared: wrapping them to get value equality would copy them.
@SuppressWarnings("ArrayRecordComponent")
public record ApiRequest(
    String method,
    String path,
    Map<String, String> headers,
    Map<String, String> query,
    byte[] body) {

  public ApiRequest {
    TreeMap<String, String> lower = new TreeMap<>();
    headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
    headers = Map.copyOf(lower);
    query = Map.copyOf(query);
    body = body == null ? new byte[0] : body;
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  public Optional<String> queryParameter(String name) {
    return Optional.ofNullable(query.get(name));
  }
}
