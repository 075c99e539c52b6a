package ccotel.embedded;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.apache.pekko.http.scaladsl.Http;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import scala.concurrent.Await;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * ElasticMQ in this JVM on 127.0.0.1 and a free port. It speaks the SQS JSON protocol the SDK uses,
 * enforces SQS's 1 MiB message limit, and implements visibility timeouts, redrive policies and
 * dead-letter queues. Queues and messages live in memory.
 */
public final class EmbeddedSqs implements AutoCloseable {

  private final SQSRestServer server;
  private final URI endpoint;
  private final SqsClient client;

  private EmbeddedSqs(SQSRestServer server, int port) {
    this.server = server;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.client =
        SqsClient.builder()
            .endpointOverride(endpoint)
            .region(LocalCredentials.REGION)
            .credentialsProvider(LocalCredentials.PROVIDER)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  public static EmbeddedSqs startInMemory() {
    SQSRestServer server =
        SQSRestServerBuilder.withInterface("127.0.0.1")
            .withDynamicPort()
            // "*" host: queue URLs take host and port from each request, so they stay right
            // whatever port the OS gave us.
            .withServerAddress(new NodeAddress("http", "*", 0, ""))
            .withAWSRegion(LocalCredentials.REGION.id())
            .start();
    Http.ServerBinding binding = server.waitUntilStarted();
    InetSocketAddress address = binding.localAddress();
    return new EmbeddedSqs(server, address.getPort());
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A client for this instance, built once; closed with it. */
  public SqsClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    try {
      Await.result(
          server.stopAndGetFuture().apply(),
          scala.concurrent.duration.Duration.fromNanos(Duration.ofSeconds(30).toNanos()));
    } catch (Exception e) {
      throw new IllegalStateException("ElasticMQ did not stop", e);
    }
  }
}
