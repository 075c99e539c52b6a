package ccotel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.Fixtures;
import ccotel.testing.Json;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The local queue's file stays bounded while the runner runs: ~50 MB of exports through a real
 * {@code ccotel local} once grew it to 886 MB, given back only at a clean stop. The exports go in
 * rounds of 5 MB, each sent as fast as the runner takes them and then aggregated, so that what is
 * in the file is at most one round's backlog plus what the file keeps of what is gone.
 */
class QueueFileIT {

  /** What README promises for the queue file while exports stream through it. */
  static final long BOUND_BYTES = 64L * 1024 * 1024;

  /**
   * 20 MB in all: without compaction the file passed the bound after less than 5 MB (71 MB), so
   * four rounds tell a growing file from a bounded one at a fifth of the first test's time.
   */
  private static final int ROUNDS = 4;

  private static final long ROUND_BYTES = 5L * 1024 * 1024;
  private static final int IN_FLIGHT = 16;
  private static final int MEASURE_EVERY_REQUESTS = 100;
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);

  @TempDir Path dataDir;

  @Test
  void fiftyMegabytesOfExports_keepTheQueueFileUnderItsBound() throws Exception {
    List<Fixtures.CapturedRequest> requests = new ArrayList<>();
    for (String scenario : Fixtures.scenarios()) {
      requests.addAll(Fixtures.requests(scenario));
    }
    Path queueFile = dataDir.resolve("sqs/queues.mv.db");
    HttpClient http = HttpClient.newHttpClient();
    LocalRunnerProcess runner =
        LocalRunnerProcess.start(
            dataDir, dataDir.getParent().resolve(dataDir.getFileName() + ".log"));
    RuntimeFile runtime = RuntimeFile.read(dataDir.resolve(RuntimeFile.FILE_NAME));
    try (SqsClient sqs = LocalAwsClients.sqs(runtime.sqsEndpoint())) {
      String queue = sqs.getQueueUrl(b -> b.queueName(LocalStack.INGEST_QUEUE)).queueUrl();
      String token =
          Json.read(Files.readAllBytes(dataDir.resolve(LocalConnectionFile.FILE_NAME)))
              .get("ingestToken")
              .asText();
      Semaphore inFlight = new Semaphore(IN_FLIGHT);
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      long sent = 0;
      long largest = 0;
      int count = 0;
      List<String> sizes = new ArrayList<>();
      for (int round = 1; round <= ROUNDS; round++) {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        while (sent < round * ROUND_BYTES) {
          Fixtures.CapturedRequest request = requests.get(count % requests.size());
          inFlight.acquire();
          pending.add(
              http.sendAsync(runner.export(request, token), HttpResponse.BodyHandlers.discarding())
                  .whenComplete(
                      (answer, failure) -> {
                        inFlight.release();
                        int status = failure == null ? answer.statusCode() : -1;
                        statuses
                            .computeIfAbsent(status, s -> new AtomicInteger())
                            .incrementAndGet();
                      }));
          sent += request.body().length;
          if (++count % MEASURE_EVERY_REQUESTS == 0) {
            largest = Math.max(largest, Files.size(queueFile));
            assertTrue(largest <= BOUND_BYTES, grewTo(largest, sent));
          }
        }
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).join();
        long busiest = Math.max(largest, Files.size(queueFile));
        awaitDrained(sqs, queue);
        largest = Math.max(busiest, Files.size(queueFile));
        sizes.add(busiest / 1024 / 1024 + "/" + Files.size(queueFile) / 1024 / 1024);
        assertTrue(largest <= BOUND_BYTES, grewTo(largest, sent));
      }

      System.out.println(
          "QueueFileIT: "
              + count
              + " exports, "
              + sent
              + " bytes; queue file at most "
              + largest
              + " bytes; MB per round (largest/drained) "
              + sizes);
      assertEquals(Map.of(200, count), toCounts(statuses));
    } finally {
      runner.close();
    }
  }

  private static String grewTo(long size, long sent) {
    return "the queue file grew to " + size + " bytes after " + sent + " bytes of exports";
  }

  /** Waits until the aggregator has taken and deleted everything on the queue. */
  private static void awaitDrained(SqsClient sqs, String queue) throws InterruptedException {
    Instant deadline = Instant.now().plus(DRAIN_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      Map<QueueAttributeName, String> counts =
          sqs.getQueueAttributes(
                  b ->
                      b.queueUrl(queue)
                          .attributeNames(
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
              .attributes();
      if (counts.values().stream().allMatch("0"::equals)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the aggregator did not empty the queue in " + DRAIN_TIMEOUT);
  }

  private static Map<Integer, Integer> toCounts(Map<Integer, AtomicInteger> statuses) {
    Map<Integer, Integer> counts = new java.util.HashMap<>();
    statuses.forEach((status, n) -> counts.put(status, n.get()));
    return counts;
  }
}
