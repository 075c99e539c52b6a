package ccotel.dynamodb;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.aggregate.AggregationService;
import ccotel.aggregate.WriteConflictException;
import ccotel.embedded.EmbeddedAws;
import ccotel.ingest.QueuedExport;
import ccotel.lambda.AwsTestStack;
import ccotel.query.StoredUsage;
import ccotel.testing.OtlpRequests;
import ccotel.testing.QueuedExports;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UserIdentity;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Eight aggregators, each with its own DynamoDB adapter as separate Lambda instances would have,
 * work one queue of exports that all land on the same user-day — delta points, cumulative series
 * arriving out of order, and every export twice — and the stored counters are exact.
 */
class ParallelAggregatorsIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final String CONNECTION = "conn_parallel";
  private static final String EMAIL = "dev@example.com";
  private static final LocalDate DAY = LocalDate.of(2026, 11, 24);
  private static final int DELTA_EXPORTS = 120;
  private static final int SERIES = 4;
  private static final int POINTS_PER_SERIES = 20;
  private static final int AGGREGATORS = 8;

  @Test
  void parallelAggregatorsOnOneUserDay_countExactly() throws Exception {
    AwsTestStack stack = new AwsTestStack(AWS);
    // Spread over 4 keys, as new connections are: the user-day's item is in one of them.
    new DynamoDbShardLayouts(AWS.dynamoDb().client(), stack.config.usageTable(), Clock.systemUTC())
        .initial(CONNECTION, LocalDate.of(2000, 1, 1), 4);
    List<QueuedExport> exports = new ArrayList<>();
    long base = nanos("2026-11-24T09:00:00Z");
    for (int i = 1; i <= DELTA_EXPORTS; i++) {
      exports.add(
          QueuedExports.metrics(
              CONNECTION,
              OtlpRequests.metrics(EMAIL)
                  .delta("claude_code.session.count", base + i, 1)
                  .delta("claude_code.token.usage", base + i, i, "type", "input", "model", "m")
                  .delta("claude_code.cost.usage", base + i, 0.000123, "model", "m")
                  .build()
                  .toByteArray()));
    }
    // Cumulative output tokens: each series reaches 10 × POINTS_PER_SERIES; whichever point of a
    // series arrives first counts its whole value and earlier ones are stale, so the total is
    // exact in any order.
    for (int s = 0; s < SERIES; s++) {
      long start = base + 1_000_000L * s;
      for (int k = 1; k <= POINTS_PER_SERIES; k++) {
        exports.add(
            QueuedExports.metrics(
                CONNECTION,
                OtlpRequests.metrics(EMAIL)
                    .cumulative(
                        "claude_code.token.usage",
                        start,
                        start + 1_000L * k,
                        10 * k,
                        "type",
                        "output",
                        "model",
                        "m",
                        "session.id",
                        "s" + s)
                    .build()
                    .toByteArray()));
      }
    }
    List<QueuedExport> deliveries = new ArrayList<>(exports);
    deliveries.addAll(exports); // every export delivered twice
    Collections.shuffle(deliveries, new Random(42));
    ConcurrentLinkedQueue<QueuedExport> queue = new ConcurrentLinkedQueue<>(deliveries);

    ExecutorService pool = Executors.newFixedThreadPool(AGGREGATORS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int a = 0; a < AGGREGATORS; a++) {
        AggregationService aggregator = new AggregationService(storeOf(stack));
        running.add(
            pool.submit(
                () -> {
                  // Batches of up to ten, as the SQS event source hands them over.
                  while (true) {
                    List<QueuedExport> batch = new ArrayList<>();
                    for (QueuedExport e = queue.poll(); e != null; e = queue.poll()) {
                      batch.add(e);
                      if (batch.size() == 10) {
                        break;
                      }
                    }
                    if (batch.isEmpty()) {
                      return null;
                    }
                    List<AggregationService.Outcome> outcomes = aggregator.aggregateAll(batch);
                    for (int i = 0; i < batch.size(); i++) {
                      Exception failure = outcomes.get(i).failure();
                      if (failure instanceof WriteConflictException) {
                        queue.add(batch.get(i)); // a copy is being counted elsewhere: SQS retries
                      } else if (failure != null) {
                        throw failure; // what an aggregator could not settle
                      }
                    }
                  }
                }));
      }
      for (Future<?> aggregator : running) {
        aggregator.get();
      }
    } finally {
      pool.shutdownNow();
    }

    List<StoredUsage> rows = storeOf(stack).read(CONNECTION, DAY, DAY, 10, Optional.empty()).rows();
    assertEquals(1, rows.size());
    StoredUsage row = rows.get(0);
    assertEquals(UserIdentity.email(EMAIL), row.key().user());
    assertEquals(DELTA_EXPORTS, row.get(Counter.of(CounterFamily.SESSIONS)));
    assertEquals(
        (long) DELTA_EXPORTS * (DELTA_EXPORTS + 1) / 2,
        row.get(Counter.of(CounterFamily.METRIC_INPUT_TOKENS, "m")));
    assertEquals(
        123_000L * DELTA_EXPORTS, row.get(Counter.of(CounterFamily.METRIC_COST_NANO_USD, "m")));
    assertEquals(
        10L * POINTS_PER_SERIES * SERIES,
        row.get(Counter.of(CounterFamily.METRIC_OUTPUT_TOKENS, "m")));
  }

  private static DynamoDbUsageStore storeOf(AwsTestStack stack) {
    return new DynamoDbUsageStore(
        AWS.dynamoDb().client(),
        stack.config.usageTable(),
        stack.config.stateTable(),
        Clock.systemUTC(),
        stack.config.deliveryRetention());
  }
}
