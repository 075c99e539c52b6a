package ccotel.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * A loopback HTTP server standing in for API Gateway: each request becomes the same HTTP API v2
 * event API Gateway would send, handed to the unchanged Lambda handler; its response is copied back
 * as it is.
 */
final class HttpFrontDoor implements AutoCloseable {

  /** More than API Gateway takes (10 MB) is refused before it is read whole. */
  private static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

  private final HttpServer server;
  private final ExecutorService workers;

  HttpFrontDoor(
      int port,
      RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> ingest,
      RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> query,
      BooleanSupplier healthy)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
    workers = Executors.newFixedThreadPool(16);
    server.setExecutor(workers);
    server.createContext("/", exchange -> serve(exchange, ingest, query, healthy));
  }

  void start() {
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void serve(
      HttpExchange exchange,
      RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> ingest,
      RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> query,
      BooleanSupplier healthy)
      throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (path.equals("/healthz")) {
        boolean ok = healthy.getAsBoolean();
        write(
            exchange,
            ok ? 200 : 503,
            Map.of("Content-Type", "text/plain"),
            (ok ? "ok\n" : "starting\n").getBytes(StandardCharsets.UTF_8));
        return;
      }
      byte[] body = readBody(exchange);
      if (body == null) {
        write(
            exchange,
            413,
            Map.of("Content-Type", "text/plain"),
            "request too large\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      APIGatewayV2HTTPEvent event = toEvent(exchange, body);
      // Anything outside the usage API goes to ingest, which answers 404 in OTLP's format.
      APIGatewayV2HTTPResponse response =
          path.startsWith("/api/usage/")
              ? query.handleRequest(event, null)
              : ingest.handleRequest(event, null);
      byte[] responseBody =
          response.getBody() == null
              ? new byte[0]
              : response.getIsBase64Encoded()
                  ? Base64.getDecoder().decode(response.getBody())
                  : response.getBody().getBytes(StandardCharsets.UTF_8);
      write(exchange, response.getStatusCode(), response.getHeaders(), responseBody);
    } catch (RuntimeException e) {
      // A handler bug must still answer; API Gateway would answer 500 too.
      System.err.println("ccotel: request failed: " + e);
      try {
        write(
            exchange,
            500,
            Map.of("Content-Type", "text/plain"),
            "internal error\n".getBytes(StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the client is gone
      }
    }
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_REQUEST_BYTES + 1);
      return body.length > MAX_REQUEST_BYTES ? null : body;
    }
  }

  static APIGatewayV2HTTPEvent toEvent(HttpExchange exchange, byte[] body) {
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      // API Gateway lower-cases names and joins repeated values with commas.
      headers.put(header.getKey().toLowerCase(Locale.ROOT), String.join(",", header.getValue()));
    }
    String rawQuery = exchange.getRequestURI().getRawQuery();
    APIGatewayV2HTTPEvent event =
        event(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            rawQuery == null ? "" : rawQuery,
            headers,
            body);
    event.getRequestContext().getHttp().setProtocol(exchange.getProtocol());
    event
        .getRequestContext()
        .getHttp()
        .setSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress());
    return event;
  }

  /** An HTTP API (payload 2.0) event as API Gateway hands it to Lambda: the body in base64. */
  static APIGatewayV2HTTPEvent event(
      String method, String rawPath, String rawQuery, Map<String, String> headers, byte[] body) {
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey("$default")
        .withRawPath(rawPath)
        .withRawQueryString(rawQuery)
        .withHeaders(headers)
        .withQueryStringParameters(query(rawQuery.isEmpty() ? null : rawQuery))
        .withBody(Base64.getEncoder().encodeToString(body))
        .withIsBase64Encoded(true)
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod(method)
                        .withPath(rawPath)
                        .build())
                .build())
        .build();
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> parameters = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      String name =
          URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value =
          equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      parameters.putIfAbsent(name, value);
    }
    return parameters;
  }

  private static void write(
      HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
      throws IOException {
    if (headers != null) {
      headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(1);
    workers.shutdown();
  }
}
