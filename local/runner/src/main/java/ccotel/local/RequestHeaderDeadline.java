package ccotel.local;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Closes a connection whose request line and headers take longer than a limit from their first
 * byte. Jetty's idle timeout alone lets a client that sends one byte a second keep a connection for
 * ever; no thread waits on it, but each holds a socket and a buffer.
 */
final class RequestHeaderDeadline implements Connection.Listener, AutoCloseable {

  /** How often open connections are looked at: the limit is kept to within this. */
  private static final Duration SWEEP = Duration.ofMillis(500);

  /** In the map below: not in the middle of a request's headers when last looked at. */
  private static final long NOT_IN_HEADERS = Long.MIN_VALUE;

  private final long limitNanos;

  /** Open connections, and when each was first seen in the middle of a request's headers. */
  private final Map<HttpConnection, Long> connections = new ConcurrentHashMap<>();

  private final ScheduledExecutorService sweeper =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "ccotel-http-header-deadline");
            thread.setDaemon(true);
            return thread;
          });

  RequestHeaderDeadline(Duration limit) {
    this.limitNanos = limit.toNanos();
    sweeper.scheduleWithFixedDelay(
        this::sweep, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void onOpened(Connection connection) {
    // Jetty's HTTP/1.1 connection is where its parser, and so the parsing state, is to be seen.
    if (connection instanceof HttpConnection http) {
      connections.put(http, NOT_IN_HEADERS);
    }
  }

  @Override
  public void onClosed(Connection connection) {
    connections.remove(connection);
  }

  private void sweep() {
    long now = System.nanoTime();
    connections.replaceAll(
        (connection, since) -> {
          if (!inHeaders(connection.getParser().getState())) {
            return NOT_IN_HEADERS;
          }
          if (since == NOT_IN_HEADERS) {
            return now;
          }
          if (now - since >= limitNanos) {
            connection.getEndPoint().close();
          }
          return since;
        });
  }

  /** Between a request's first byte and the end of its headers. */
  private static boolean inHeaders(HttpParser.State state) {
    return state.ordinal() > HttpParser.State.START.ordinal()
        && state.ordinal() <= HttpParser.State.HEADER.ordinal();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
