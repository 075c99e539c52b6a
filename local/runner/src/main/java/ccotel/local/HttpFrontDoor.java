package ccotel.local;

import ccotel.api.ApiResponse;
import ccotel.api.Health;
import ccotel.web.Dashboard;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A loopback HTTP server standing in for API Gateway: each request becomes the same HTTP API v2
 * event API Gateway would send, handed to the unchanged Lambda handler; its response is copied back
 * as it is. Beyond that it only enforces transport limits: sizes, read times, and a token check
 * before a body is read, so that no slow or unauthenticated client holds a thread.
 */
final class HttpFrontDoor implements AutoCloseable {

  /** More than API Gateway takes (10 MB) is refused before it is read whole. */
  static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

  /** A request's line and headers must arrive within this of their first byte. */
  static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);

  /** A request's body must arrive within this once its headers have. */
  static final Duration BODY_TIMEOUT = Duration.ofSeconds(20);

  /** A connection that sends nothing for this long is closed. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** Threads that run the handlers; reading from clients holds none. */
  private static final int WORKER_THREADS = 32;

  /**
   * A Lambda handler and its check of a request's {@code Authorization} header, made before the
   * body is read: a body the handler would refuse unread (a 401, 403 or 503) is never read.
   */
  record Backend(
      RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
      Predicate<Optional<String>> mayReadBody) {}

  private final Server server;
  private final ServerConnector connector;
  private final RequestHeaderDeadline headerDeadline;

  HttpFrontDoor(int port, Backend ingest, Backend query, BooleanSupplier healthy) {
    QueuedThreadPool threads = new QueuedThreadPool(WORKER_THREADS);
    threads.setName("ccotel-http");
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    headerDeadline = new RequestHeaderDeadline(HEADER_TIMEOUT);
    connector.addEventListener(headerDeadline);
    server.addConnector(connector);
    server.setHandler(new Routes(ingest, query, healthy, threads));
  }

  void start() throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      throw e; // the port is taken, say
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the HTTP server: " + e.getMessage(), e);
    }
  }

  int port() {
    return connector.getLocalPort();
  }

  private static final class Routes extends Handler.Abstract {

    private final Backend ingest;
    private final Backend query;
    private final BooleanSupplier healthy;
    private final Executor workers;

    Routes(Backend ingest, Backend query, BooleanSupplier healthy, Executor workers) {
      this.ingest = ingest;
      this.query = query;
      this.healthy = healthy;
      this.workers = workers;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      try {
        route(request, response, callback);
      } catch (RuntimeException | Error e) {
        fail(request, response, callback, e);
      }
      return true;
    }

    private void route(Request request, Response response, Callback callback) {
      String path = request.getHttpURI().getPath();
      if (path.equals(Health.PATH)) {
        ApiResponse health = Health.of(healthy.getAsBoolean());
        health.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        write(request, response, callback, health.status(), health.body());
        return;
      }
      try {
        queryParameters(request.getHttpURI().getQuery());
      } catch (IllegalArgumentException e) {
        // API Gateway refuses a query string it cannot decode before any function runs.
        text(request, response, callback, 400, "malformed query string\n");
        return;
      }
      // The usage API and the dashboard are the query function's, as API Gateway routes them;
      // anything else goes to ingest, which answers 404 in OTLP's format.
      Backend backend = path.startsWith("/api/usage/") || Dashboard.serves(path) ? query : ingest;
      if (request.getLength() > MAX_REQUEST_BYTES) {
        closeAfter(response);
        text(request, response, callback, 413, "request too large\n");
        return;
      }
      boolean hasBody =
          request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
      if (!hasBody) {
        invoke(backend, request, response, callback, new byte[0]);
        return;
      }
      Optional<String> authorization =
          Optional.ofNullable(request.getHeaders().get("Authorization"));
      if (!backend.mayReadBody().test(authorization)) {
        // The handler refuses it by its headers alone, in its own words; the body stays unread.
        closeAfter(response);
        invoke(backend, request, response, callback, new byte[0]);
        return;
      }
      CompletableFuture<Optional<byte[]>> body = new CompletableFuture<>();
      readBody(request, body);
      body.orTimeout(BODY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .whenCompleteAsync(
              (bytes, failure) -> {
                try {
                  if (failure != null) {
                    Throwable cause =
                        failure instanceof CompletionException ? failure.getCause() : failure;
                    if (cause instanceof TimeoutException) {
                      closeAfter(response);
                      text(request, response, callback, 408, "request body too slow\n");
                    } else {
                      callback.failed(cause); // the client went away or broke the framing
                    }
                  } else if (bytes.isEmpty()) {
                    closeAfter(response);
                    text(request, response, callback, 413, "request too large\n");
                  } else {
                    invoke(backend, request, response, callback, bytes.get());
                  }
                } catch (RuntimeException | Error e) {
                  fail(request, response, callback, e);
                }
              },
              workers);
    }

    private static void invoke(
        Backend backend, Request request, Response response, Callback callback, byte[] body) {
      APIGatewayV2HTTPResponse answer =
          backend.handler().handleRequest(toEvent(request, body), null);
      byte[] bytes =
          answer.getBody() == null
              ? new byte[0]
              : answer.getIsBase64Encoded()
                  ? Base64.getDecoder().decode(answer.getBody())
                  : answer.getBody().getBytes(StandardCharsets.UTF_8);
      if (answer.getHeaders() != null) {
        answer.getHeaders().forEach((name, value) -> response.getHeaders().put(name, value));
      }
      write(request, response, callback, answer.getStatusCode(), bytes);
    }

    /** A handler bug must still answer; API Gateway answers 500 then too. */
    private static void fail(Request request, Response response, Callback callback, Throwable e) {
      System.err.println("ccotel: request failed: " + e);
      if (response.isCommitted()) {
        callback.failed(e);
        return;
      }
      response.reset();
      text(request, response, callback, 500, "internal error\n");
    }
  }

  /**
   * Reads a request's body as it arrives, holding no thread while waiting for the client; empty if
   * it grows past {@link #MAX_REQUEST_BYTES}.
   */
  private static void readBody(Request request, CompletableFuture<Optional<byte[]>> done) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    Runnable reader =
        new Runnable() {
          @Override
          public void run() {
            while (!done.isDone()) {
              Content.Chunk chunk = request.read();
              if (chunk == null) {
                request.demand(this);
                return;
              }
              if (Content.Chunk.isFailure(chunk)) {
                done.completeExceptionally(chunk.getFailure());
                return;
              }
              ByteBuffer bytes = chunk.getByteBuffer();
              if (body.size() + bytes.remaining() > MAX_REQUEST_BYTES) {
                chunk.release();
                done.complete(Optional.empty());
                return;
              }
              byte[] copy = new byte[bytes.remaining()];
              bytes.get(copy);
              body.writeBytes(copy);
              chunk.release();
              if (chunk.isLast()) {
                done.complete(Optional.of(body.toByteArray()));
              }
            }
          }
        };
    reader.run();
  }

  private static void closeAfter(Response response) {
    response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
  }

  private static void text(
      Request request, Response response, Callback callback, int status, String text) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
    write(request, response, callback, status, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The answer, without its body for HEAD (RFC 9110 §9.3.2): the status and headers are GET's. */
  private static void write(
      Request request, Response response, Callback callback, int status, byte[] body) {
    response.setStatus(status);
    if (HttpMethod.HEAD.is(request.getMethod())) {
      response.write(true, BufferUtil.EMPTY_BUFFER, callback);
      return;
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  static APIGatewayV2HTTPEvent toEvent(Request request, byte[] body) {
    Map<String, String> headers = new HashMap<>();
    for (HttpField header : request.getHeaders()) {
      // API Gateway lower-cases names and joins repeated values with commas.
      headers.merge(
          header.getName().toLowerCase(Locale.ROOT), header.getValue(), (a, b) -> a + "," + b);
    }
    String rawQuery = request.getHttpURI().getQuery();
    APIGatewayV2HTTPEvent event =
        event(
            request.getMethod(),
            request.getHttpURI().getPath(),
            rawQuery == null ? "" : rawQuery,
            headers,
            body);
    event.getRequestContext().getHttp().setProtocol(request.getConnectionMetaData().getProtocol());
    event.getRequestContext().getHttp().setSourceIp(Request.getRemoteAddr(request));
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
        .withQueryStringParameters(queryParameters(rawQuery))
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

  /**
   * The decoded parameters as API Gateway (HTTP API, payload 2.0) hands them over: the values of a
   * repeated name joined with commas, in the order they came.
   *
   * @throws IllegalArgumentException if a name or value is not valid percent-encoding
   */
  static Map<String, String> queryParameters(String rawQuery) {
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
      parameters.merge(name, value, (first, next) -> first + "," + next);
    }
    return parameters;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      System.err.println("ccotel: stopping the HTTP server: " + e);
    }
    headerDeadline.close();
  }
}
