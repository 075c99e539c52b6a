package ccotel.embedded;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.http.scaladsl.Http;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;
import scala.collection.immutable.List$;
import scala.concurrent.Await;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * ElasticMQ in this JVM on 127.0.0.1 and a free port. It speaks the SQS JSON protocol the SDK uses,
 * enforces SQS's 1 MiB message limit, and implements visibility timeouts, redrive policies and
 * dead-letter queues. Queues and messages live in memory, or, for the local runner, also in an H2
 * database under the data directory, so that an accepted export survives {@code kill -9}.
 */
public final class EmbeddedSqs implements AutoCloseable {

  private final SQSRestServer server;
  private final Optional<ActorSystem> ownActorSystem;
  private final Optional<QueueFileCompaction> compaction;
  private final URI endpoint;
  private final SqsClient client;

  private EmbeddedSqs(
      SQSRestServer server,
      Optional<ActorSystem> ownActorSystem,
      Optional<QueueFileCompaction> compaction,
      int port) {
    this.server = server;
    this.ownActorSystem = ownActorSystem;
    this.compaction = compaction;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.client =
        SqsClient.builder()
            .endpointOverride(endpoint)
            .region(LocalCredentials.REGION)
            .credentialsProvider(LocalCredentials.PROVIDER)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  public static EmbeddedSqs startInMemory() {
    return start(
        SQSRestServerBuilder.withInterface("127.0.0.1"), Optional.empty(), Optional.empty());
  }

  /**
   * Queues and messages also written to an H2 database in {@code directory}: every send, receive
   * and delete is committed before ElasticMQ answers (its persistence actor acknowledges each
   * event, and {@code WRITE_DELAY=0} stops H2 from holding commits back), and a restart restores
   * queues, messages and their receive counts. The file is compacted while it runs ({@link
   * QueueFileCompaction}). ElasticMQ keeps one database per JVM, so at most one persistent instance
   * may run in a process.
   */
  public static EmbeddedSqs startPersistent(Path directory) {
    ActorSystem system = ActorSystem.create("ccotel-sqs");
    String jdbcUrl =
        "jdbc:h2:file:" + directory.resolve("queues").toAbsolutePath() + ";WRITE_DELAY=0";
    SqlQueuePersistenceConfig persistence =
        new SqlQueuePersistenceConfig(true, "org.h2.Driver", jdbcUrl, "sa", "", false);
    ActorRef store =
        system.actorOf(
            Props.create(SqlQueuePersistenceActor.class, persistence, List$.MODULE$.empty()),
            "queue-store");
    ActorRef manager =
        system.actorOf(
            Props.create(
                QueueManagerActor.class,
                new NowProvider(),
                StrictSQSLimits$.MODULE$,
                Option.apply(store)),
            "queue-manager");
    try {
      Object restored =
          Patterns.ask(store, new QueueEvent.Restore(manager), STARTUP_TIMEOUT)
              .toCompletableFuture()
              .get(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (restored instanceof scala.util.Left<?, ?> errors) {
        throw new IllegalStateException("ElasticMQ could not restore its queues: " + errors);
      }
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("ElasticMQ could not restore its queues", e);
    }
    QueueFileCompaction compaction = QueueFileCompaction.start(jdbcUrl);
    return start(
        SQSRestServerBuilder.withActorSystem(system)
            .withQueueManagerActor(manager)
            .withQueueEventListener(store)
            .withInterface("127.0.0.1"),
        Optional.of(system),
        Optional.of(compaction));
  }

  private static EmbeddedSqs start(
      TheSQSRestServerBuilder builder,
      Optional<ActorSystem> ownActorSystem,
      Optional<QueueFileCompaction> compaction) {
    SQSRestServer server =
        builder
            .withDynamicPort()
            // "*" host: queue URLs take host and port from each request, so they stay right
            // whatever port the OS gave us.
            .withServerAddress(new NodeAddress("http", "*", 0, ""))
            .withAWSRegion(LocalCredentials.REGION.id())
            .start();
    Http.ServerBinding binding = server.waitUntilStarted();
    InetSocketAddress address = binding.localAddress();
    return new EmbeddedSqs(server, ownActorSystem, compaction, address.getPort());
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
    scala.concurrent.duration.Duration timeout =
        scala.concurrent.duration.Duration.fromNanos(Duration.ofSeconds(30).toNanos());
    try {
      Await.result(server.stopAndGetFuture().apply(), timeout);
      if (ownActorSystem.isPresent()) {
        Await.result(ownActorSystem.get().terminate(), timeout);
      }
    } catch (Exception e) {
      throw new IllegalStateException("ElasticMQ did not stop", e);
    } finally {
      compaction.ifPresent(QueueFileCompaction::close);
    }
  }
}
