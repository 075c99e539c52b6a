package ccotel.embedded;

import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local in this JVM, sqlite-backed (or in memory), on 127.0.0.1 and a free port. Its stock
 * server binds every interface and refuses port 0, so we put its request handler behind a Jetty
 * connector of our own. Its telemetry is only set up by its command-line runner, which we do not
 * use, so it stays off. TTL settings are accepted but items never expire.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {

  private final LocalDynamoDBRequestHandler requestHandler;
  private final Server server;
  private final URI endpoint;
  private final DynamoDbClient client;

  private EmbeddedDynamoDb(LocalDynamoDBRequestHandler requestHandler, Server server, int port) {
    this.requestHandler = requestHandler;
    this.server = server;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.client =
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(LocalCredentials.REGION)
            .credentialsProvider(LocalCredentials.PROVIDER)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  /** Tables persist in {@code dataDir}: a restart on the same directory keeps them. */
  public static EmbeddedDynamoDb start(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return start(false, dataDir.toAbsolutePath().toString());
  }

  public static EmbeddedDynamoDb startInMemory() {
    return start(true, null);
  }

  private static EmbeddedDynamoDb start(boolean inMemory, String dbPath) {
    try {
      // (port, inMemory, dbPath, sharedDb, delayTransientStatuses): one database whatever the
      // access key, and tables ACTIVE at once.
      LocalDynamoDBRequestHandler requestHandler =
          new LocalDynamoDBRequestHandler(0, inMemory, dbPath, true, false);
      LocalDynamoDBServerHandler serverHandler =
          new LocalDynamoDBServerHandler(requestHandler, null);
      Server server = new Server();
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      // DynamoDBProxyServer only builds the handler tree here; its own server is never started.
      server.setHandler(new DynamoDBProxyServer(0, serverHandler).setUpHandler(serverHandler));
      server.start();
      return new EmbeddedDynamoDb(requestHandler, server, connector.getLocalPort());
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not start: " + e.getMessage(), e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A client for this instance, built once; closed with it. */
  public DynamoDbClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not stop", e);
    } finally {
      requestHandler.shutdown();
    }
  }
}
