package ccotel.bench;

import ccotel.aggregate.UsageCommit;
import ccotel.auth.ConnectionAdmin;
import ccotel.config.Config;
import ccotel.dynamodb.DynamoDbRangeReader;
import ccotel.dynamodb.DynamoDbTables;
import ccotel.dynamodb.DynamoDbUsageStore;
import ccotel.embedded.EmbeddedDynamoDb;
import ccotel.query.DailyUsage;
import ccotel.query.StoredUsage;
import ccotel.query.UsagePage;
import ccotel.query.UsageRangeReader;
import ccotel.testing.Fixtures;
import ccotel.testing.InMemoryPipeline;
import ccotel.usage.Counter;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageTally;
import ccotel.usage.UserIdentity;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code ./ccotel bench query}: how fast a whole range of an organisation's user-days is read and
 * summed, on DynamoDB Local as {@code ./ccotel local} runs it (sqlite on disk, in this JVM).
 *
 * <p>It loads {@code --users} users × {@code --days} days of user-days once, through the store's
 * own commit path, each a mix of the captured sessions' counters (several models, tools, both
 * metrics and events), then times reading the whole range {@code --runs} times each way: one paged
 * Query (the §4 reader's pages of 1,000), one Query per day on N threads, and the summary.
 */
final class QueryBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONNECTION = "conn_query_bench";
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 9, 1);

  private QueryBench() {}

  static void run(String[] args, Path results) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int users = Integer.parseInt(options.getOrDefault("users", "1000"));
    int days = Integer.parseInt(options.getOrDefault("days", "90"));
    int runs = Integer.parseInt(options.getOrDefault("runs", "10"));
    int[] threads =
        Arrays.stream(options.getOrDefault("threads", "1,4,8,16,32").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    LocalDate lastDay = FIRST_DAY.plusDays(days - 1);
    Path data =
        options.containsKey("data")
            ? Path.of(options.get("data"))
            : Files.createTempDirectory("ccotel-bench-query");

    try (EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.start(data)) {
      WriteUnits.CapacityMeter meter = new WriteUnits.CapacityMeter();
      DynamoDbClient client = meter.client(dynamoDb.endpoint());
      Config config = WriteUnits.config("query");
      DynamoDbTables.createIfMissing(client, config);
      DynamoDbUsageStore store =
          new DynamoDbUsageStore(
              client,
              config.usageTable(),
              config.stateTable(),
              Clock.systemUTC(),
              config.deliveryRetention());

      long loadStarted = System.nanoTime();
      long items = load(store, users, days);
      System.out.printf(
          "loaded %d user-days (%d users x %d days) in %.1f s into %s%n",
          items, users, days, (System.nanoTime() - loadStarted) / 1e9, data);

      ObjectNode report = JSON.createObjectNode();
      report.put("users", users);
      report.put("days", days);
      report.put("userDays", (long) users * days);
      report.put("runs", runs);
      ArrayNode variants = report.putArray("variants");

      variants.add(
          time(
              "one paged Query (pages of 1,000)",
              runs,
              meter,
              () -> {
                long rows = 0;
                Optional<String> cursor = Optional.empty();
                do {
                  UsagePage page = store.read(CONNECTION, FIRST_DAY, lastDay, 1000, cursor);
                  rows += page.rows().size();
                  cursor = page.nextCursor();
                } while (cursor.isPresent());
                return rows;
              }));
      for (int n : threads) {
        UsageRangeReader reader = new DynamoDbRangeReader(client, config.usageTable(), n);
        variants.add(
            time(
                "a Query per day, " + n + " threads",
                runs,
                meter,
                () -> {
                  LongAdder rows = new LongAdder();
                  reader.readRange(CONNECTION, FIRST_DAY, lastDay, (day, r) -> rows.add(r.size()));
                  return rows.sum();
                }));
        variants.add(
            time(
                "a Query per day, " + n + " threads, each row made a §4 record",
                runs,
                meter,
                () -> {
                  LongAdder rows = new LongAdder();
                  reader.readRange(
                      CONNECTION,
                      FIRST_DAY,
                      lastDay,
                      (day, r) -> {
                        for (StoredUsage row : r) {
                          DailyUsage.of(row);
                          rows.increment();
                        }
                      });
                  return rows.sum();
                }));
      }

      Path file = results.resolve("query-" + users + "-users-" + days + "-days.json");
      Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
      System.out.println("results: " + file);
    }
  }

  private interface Read {
    long rows() throws Exception;
  }

  /** Runs {@code read} twice to warm up, then {@code runs} times, timed and metered. */
  private static ObjectNode time(String name, int runs, WriteUnits.CapacityMeter meter, Read read)
      throws Exception {
    long expected = read.rows();
    read.rows();
    double[] millis = new double[runs];
    double units = meter.readUnits.sum();
    for (int i = 0; i < runs; i++) {
      long started = System.nanoTime();
      long rows = read.rows();
      millis[i] = (System.nanoTime() - started) / 1e6;
      if (rows != expected) {
        throw new IllegalStateException(name + " read " + rows + " rows, before " + expected);
      }
    }
    double unitsPerRun = (meter.readUnits.sum() - units) / runs;
    Arrays.sort(millis);
    ObjectNode result = JSON.createObjectNode();
    result.put("name", name);
    result.put("rows", expected);
    result.put("p50Millis", percentile(millis, 50));
    result.put("p99Millis", percentile(millis, 99));
    result.put("maxMillis", millis[millis.length - 1]);
    result.put("readUnitsPerRun", unitsPerRun);
    System.out.printf(
        "  %-62s p50 %7.0f ms  p99 %7.0f ms  %8.0f read units%n",
        name, percentile(millis, 50), percentile(millis, 99), unitsPerRun);
    return result;
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /**
   * Writes every user-day through the store's commit path (99 user-days and a commit record per
   * transaction, on 4 threads), unless a previous run on the same data directory did.
   */
  private static long load(DynamoDbUsageStore store, int users, int days) throws Exception {
    LongAdder lastDayRows = new LongAdder();
    LocalDate lastDay = FIRST_DAY.plusDays(days - 1);
    UsageRangeReader.paging(store, 1000)
        .readRange(CONNECTION, lastDay, lastDay, (day, rows) -> lastDayRows.add(rows.size()));
    if (lastDayRows.sum() == users) {
      return (long) users * days;
    }
    List<SortedMap<Counter, Long>> templates = templates();
    ExecutorService writers = Executors.newFixedThreadPool(4);
    List<Future<?>> writes = new ArrayList<>();
    UsageTally tally = new UsageTally();
    long written = 0;
    for (int day = 0; day < days; day++) {
      for (int user = 0; user < users; user++) {
        tally.addAll(
            new UsageKey(FIRST_DAY.plusDays(day), UserIdentity.email(email(user))),
            userDay(templates, user, day));
        written++;
        if (tally.byKey().size() == store.maxWritesPerDelivery() - 1) {
          writes.add(commit(writers, store, tally, written));
          tally = new UsageTally();
        }
      }
    }
    if (!tally.isEmpty()) {
      writes.add(commit(writers, store, tally, written));
    }
    for (Future<?> write : writes) {
      write.get();
    }
    writers.shutdown();
    return written;
  }

  private static Future<?> commit(
      ExecutorService writers, DynamoDbUsageStore store, UsageTally tally, long written) {
    return writers.submit(
        () -> {
          if (!store.commit(
              UsageCommit.claimed(CONNECTION, "load-" + written, tally, new TreeMap<>()))) {
            throw new IllegalStateException("a load commit was refused");
          }
          return null;
        });
  }

  static String email(int user) {
    return "user-" + user + "@example.com";
  }

  /**
   * One user's day: two of the captured sessions' user-days added up, scaled by 1 to 4, so days
   * differ in models, tools and amounts.
   */
  static SortedMap<Counter, Long> userDay(
      List<SortedMap<Counter, Long>> templates, int user, int day) {
    SortedMap<Counter, Long> counters = new TreeMap<>();
    long scale = 1 + (user + day) % 4;
    for (SortedMap<Counter, Long> template :
        List.of(
            templates.get((user + day) % templates.size()),
            templates.get((3 * user + 2 * day + 1) % templates.size()))) {
      template.forEach((counter, value) -> counters.merge(counter, value * scale, Long::sum));
    }
    return counters;
  }

  /** The user-days the captured sessions count, replayed through the in-memory pipeline. */
  static List<SortedMap<Counter, Long>> templates() throws Exception {
    BenchFixtures.locate();
    List<SortedMap<Counter, Long>> templates = new ArrayList<>();
    for (String scenario : Fixtures.scenarios()) {
      InMemoryPipeline pipeline = new InMemoryPipeline();
      ConnectionAdmin.NewConnection connection = pipeline.admin.create(scenario);
      for (Fixtures.CapturedRequest request : Fixtures.requests(scenario)) {
        pipeline.send(request, connection.ingestToken().value());
      }
      pipeline.aggregateQueued();
      UsageRangeReader.paging(pipeline.store, 1000)
          .readRange(
              connection.connection().id(),
              LocalDate.of(2020, 1, 1),
              LocalDate.of(2020, 1, 1).plusDays(365 * 10),
              (day, rows) -> rows.forEach(row -> templates.add(row.counters())));
    }
    return templates;
  }
}
