package ccotel.bench;

import ccotel.aggregate.DayDelivery;
import ccotel.aggregate.UsageStore;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.Connection;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.TokenScope;
import ccotel.config.Config;
import ccotel.dynamodb.BenchUserDays;
import ccotel.dynamodb.DynamoDbActivity;
import ccotel.dynamodb.DynamoDbDayVersions;
import ccotel.dynamodb.DynamoDbRangeReader;
import ccotel.dynamodb.DynamoDbTables;
import ccotel.dynamodb.DynamoDbUsageStore;
import ccotel.embedded.EmbeddedDynamoDb;
import ccotel.lambda.Components;
import ccotel.local.BenchFrontDoor;
import ccotel.query.CachingRangeReader;
import ccotel.query.UsagePage;
import ccotel.query.UsageRangeReader;
import ccotel.summary.SummaryService;
import ccotel.teams.RosterReader;
import ccotel.testing.Fixtures;
import ccotel.testing.InMemoryPipeline;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * <p>It loads {@code --users} users × {@code --days} days of user-days once, each a mix of the
 * captured sessions' counters (several models, tools, both metrics and events), as items exactly as
 * the plain-write path leaves them ({@code BenchUserDays}; {@code --load plain}: through that
 * path), then times reading the whole range {@code --runs} times each way: one paged Query (the §4
 * reader's pages of 1,000), one Query per day N days at once, and the summary as {@code Components}
 * wires it (the real service, token check included) cold, warm, and warm with the last day changed
 * before each. Last, unless {@code --page false}, the dashboard in headless Chromium.
 */
final class QueryBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Counter SESSIONS = Counter.of(CounterFamily.SESSIONS);
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 9, 1);

  private QueryBench() {}

  static void run(String[] args, Path results) throws Exception {
    Map<String, String> options = BenchCli.options(args);
    int users = Integer.parseInt(options.getOrDefault("users", "1000"));
    int days = Integer.parseInt(options.getOrDefault("days", "90"));
    int runs = Integer.parseInt(options.getOrDefault("runs", "10"));
    int[] threads =
        Arrays.stream(options.getOrDefault("threads", "1,2,8").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    boolean paged = !"false".equals(options.get("paged"));
    // batch: items put as the plain-write path leaves them (minutes); plain: through that path.
    boolean throughStore = "plain".equals(options.getOrDefault("load", "batch"));
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
      DynamoDbUsageStore store = WriteUnits.store(client, config);
      // The summary as the local runner and the query function wire it.
      Components components = new Components(config, client, null, Clock.systemUTC());
      ConnectionAdmin admin =
          new ConnectionAdmin(components.connectionRegistry(), Clock.systemUTC());
      String name = "bench-query-" + users + "x" + days;
      String connection =
          admin.list().stream()
              .map(ConnectionAdmin.ConnectionSummary::connection)
              .filter(c -> c.name().equals(name))
              .map(Connection::id)
              .findFirst()
              .orElseGet(() -> admin.create(name).connection().id());
      String readToken = admin.rotate(connection, TokenScope.READ, Duration.ZERO).value();

      long loadStarted = System.nanoTime();
      Expected expected =
          load(
              store,
              throughStore ? null : new Loader(client, config.usageTable()),
              connection,
              users,
              days);
      System.out.printf(
          "%d user-days (%d users x %d days) loaded in %.1f s into %s (%s)%n",
          (long) users * days,
          users,
          days,
          (System.nanoTime() - loadStarted) / 1e9,
          data,
          throughStore ? "through the plain-write path" : "BatchWriteItem of the same items");

      List<Variant> variants = new ArrayList<>();
      if (paged) {
        variants.add(
            new Variant(
                "read: one paged Query (pages of 1,000)",
                () -> {
                  long rows = 0;
                  Optional<String> cursor = Optional.empty();
                  do {
                    UsagePage page = store.read(connection, FIRST_DAY, lastDay, 1000, cursor);
                    rows += page.rows().size();
                    cursor = page.nextCursor();
                  } while (cursor.isPresent());
                  return rows;
                }));
      }
      for (int n : threads) {
        UsageRangeReader reader = new DynamoDbRangeReader(client, config.usageTable(), n);
        variants.add(
            new Variant(
                "read: a Query per day, " + n + " at once",
                () -> {
                  LongAdder rows = new LongAdder();
                  reader.readRange(connection, FIRST_DAY, lastDay, (day, r) -> rows.add(r.size()));
                  return rows.sum();
                }));
      }
      ApiRequest request =
          new ApiRequest(
              "GET",
              SummaryService.PATH,
              Map.of("Authorization", "Bearer " + readToken),
              Map.of("starting_at", FIRST_DAY.toString(), "ending_at", lastDay.toString()),
              new byte[0]);
      // The summary as Components wires it, each with a cache of its own: a fresh one every time
      // (a cold container), one kept (nothing changed since), and one kept while the last day
      // changes before every summary, as today's does under load.
      variants.add(
          new Variant(
              "summary, cold (a new cache each time)",
              () -> expected.check(components.summaryService().summarize(request))));
      // What ./ccotel local does at start and keeps doing (SummaryCacheWarmer): the range read into
      // a cache, so that the summaries after it are the warm ones below.
      variants.add(
          new Variant(
              "./ccotel local's warming pass (the range into a new cache)",
              () -> {
                CachingRangeReader fresh = components.summaryRangeReader();
                fresh.refresh(connection, FIRST_DAY, lastDay, Duration.ZERO);
                return fresh.rowsKept();
              }));
      CachingRangeReader warmCache = components.summaryRangeReader();
      SummaryService warm = summary(components, client, config, warmCache);
      // The variant below moves the last day's version, which this cache sees too: an untimed
      // summary first catches up, so this one reads no day.
      variants.add(
          new Variant(
              "summary, warm (every day kept)",
              () -> expected.check(warm.summarize(request)),
              () -> expected.check(warm.summarize(request))));
      SummaryService lastDayChanging =
          summary(components, client, config, components.summaryRangeReader());
      DynamoDbDayVersions versions = new DynamoDbDayVersions(client, config.usageTable());
      variants.add(
          new Variant(
              "summary, warm, the last day changed before each",
              () -> versions.changed(connection, Set.of(lastDay)),
              () -> expected.check(lastDayChanging.summarize(request))));

      ObjectNode report = JSON.createObjectNode();
      report.put("users", users);
      report.put("days", days);
      report.put("userDays", (long) users * days);
      report.put("runs", runs);
      report.put("load", throughStore ? "plain-write path" : "BatchWriteItem, same items");
      report.put("warmCacheBytes", cacheBytes(warm, request, warmCache, expected));
      report.put("warmCacheRows", warmCache.rowsKept());
      report.put(
          "loadAverageBefore",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      ArrayNode measured = report.putArray("variants");
      for (ObjectNode result : time(variants, runs, meter)) {
        measured.add(result);
      }
      if (!"false".equals(options.get("page")) && PageTimer.available()) {
        report.set("page", page(components, readToken, FIRST_DAY, lastDay, users, runs));
      }
      report.put(
          "loadAverageAfter",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

      Path file = results.resolve("query-" + users + "-users-" + days + "-days.json");
      Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
      System.out.println("results: " + file);
    }
  }

  private interface Read {
    /** Reads once; returns what must be the same on every run (rows, or the answer checked). */
    long once() throws Exception;
  }

  /** Something done before a timed read, untimed. */
  private interface Before {
    void run() throws Exception;
  }

  private record Variant(String name, Before before, Read read) {
    Variant(String name, Read read) {
      this(name, () -> {}, read);
    }
  }

  /** A summary as Components wires it, over {@code reader}. */
  private static SummaryService summary(
      Components components, DynamoDbClient client, Config config, CachingRangeReader reader) {
    return new SummaryService(
        components.authorizer(),
        reader,
        RosterReader.NONE,
        new DynamoDbActivity(client, config.usageTable()));
  }

  /** Heap the warm cache takes after its first summary (after a GC each side: approximate). */
  private static long cacheBytes(
      SummaryService warm, ApiRequest request, CachingRangeReader cache, Expected expected)
      throws Exception {
    Runtime runtime = Runtime.getRuntime();
    System.gc();
    long before = runtime.totalMemory() - runtime.freeMemory();
    expected.check(warm.summarize(request));
    System.gc();
    long after = runtime.totalMemory() - runtime.freeMemory();
    System.out.printf(
        "warm cache: %d user-days, about %.0f MB of heap%n",
        cache.rowsKept(), (after - before) / 1e6);
    return after - before;
  }

  /**
   * Each variant twice to warm up, then {@code runs} rounds of every variant once, in an order that
   * rotates each round, so that a busy spell of the machine falls on all of them alike.
   */
  private static List<ObjectNode> time(
      List<Variant> variants, int runs, WriteUnits.CapacityMeter meter) throws Exception {
    long[] expected = new long[variants.size()];
    for (int v = 0; v < variants.size(); v++) {
      variants.get(v).before().run();
      expected[v] = variants.get(v).read().once();
      variants.get(v).before().run();
      variants.get(v).read().once();
    }
    double[][] millis = new double[variants.size()][runs];
    double[] units = new double[variants.size()];
    for (int round = 0; round < runs; round++) {
      for (int i = 0; i < variants.size(); i++) {
        int v = (i + round) % variants.size();
        variants.get(v).before().run();
        double unitsBefore = meter.readUnits.sum();
        long started = System.nanoTime();
        long check = variants.get(v).read().once();
        millis[v][round] = (System.nanoTime() - started) / 1e6;
        units[v] += meter.readUnits.sum() - unitsBefore;
        if (check != expected[v]) {
          throw new IllegalStateException(
              variants.get(v).name() + " gave " + check + ", before " + expected[v]);
        }
      }
    }
    List<ObjectNode> results = new ArrayList<>();
    for (int v = 0; v < variants.size(); v++) {
      double[] sorted = millis[v].clone();
      Arrays.sort(sorted);
      ObjectNode result = JSON.createObjectNode();
      result.put("name", variants.get(v).name());
      result.put("p50Millis", percentile(sorted, 50));
      result.put("p99Millis", percentile(sorted, 99));
      result.put("minMillis", sorted[0]);
      result.put("readUnitsPerRun", units[v] / runs);
      results.add(result);
      System.out.printf(
          "  %-52s p50 %7.0f ms  p99 %7.0f ms  min %7.0f ms  %8.0f read units%n",
          variants.get(v).name(),
          percentile(sorted, 50),
          percentile(sorted, 99),
          sorted[0],
          units[v] / runs);
    }
    return results;
  }

  /**
   * The dashboard opened in headless Chromium on the whole range: once against a fresh summary
   * cache (as after a cold start), then {@code runs} times warm.
   */
  private static ObjectNode page(
      Components components, String readToken, LocalDate from, LocalDate to, int users, int runs)
      throws Exception {
    ObjectNode page = JSON.createObjectNode();
    try (BenchFrontDoor server = BenchFrontDoor.start(components);
        PageTimer browser = PageTimer.start()) {
      double cold = browser.open(server.baseUrl(), readToken, from, to, users);
      double[] warm =
          browser.openTimes(server.baseUrl(), readToken, from, to, users, runs).stream()
              .mapToDouble(Double::doubleValue)
              .sorted()
              .toArray();
      page.put("coldMillis", cold);
      page.put("warmP50Millis", percentile(warm, 50));
      page.put("warmP99Millis", percentile(warm, 99));
      System.out.printf(
          "  %-52s cold %7.0f ms  warm p50 %7.0f ms  p99 %7.0f ms%n",
          "dashboard usable (KPIs and users table drawn)",
          cold,
          percentile(warm, 50),
          percentile(warm, 99));
    }
    return page;
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /**
   * Writes every user-day through the store's plain-write path (100 user-days per call, on 4
   * threads), unless a previous run on the same data directory did; returns what the summary of the
   * whole range must say.
   */
  /** Where the fast load puts its items. */
  private record Loader(DynamoDbClient client, String usageTable) {}

  private static Expected load(
      DynamoDbUsageStore store, Loader fast, String connection, int users, int days)
      throws Exception {
    List<SortedMap<Counter, Long>> templates = templates();
    long sessions = 0;
    for (int day = 0; day < days; day++) {
      for (int user = 0; user < users; user++) {
        sessions += userDay(templates, user, day).getOrDefault(SESSIONS, 0L);
      }
    }
    Expected expected = new Expected(users, sessions);
    LongAdder lastDayRows = new LongAdder();
    LocalDate lastDay = FIRST_DAY.plusDays(days - 1);
    UsageRangeReader.paging(store, 1000)
        .readRange(connection, lastDay, lastDay, (day, rows) -> lastDayRows.add(rows.size()));
    if (lastDayRows.sum() == users) {
      return expected;
    }
    ExecutorService writers = Executors.newFixedThreadPool(4);
    List<Future<?>> writes = new ArrayList<>();
    List<DayDelivery> batch = new ArrayList<>();
    for (int day = 0; day < days; day++) {
      for (int user = 0; user < users; user++) {
        UsageKey key = new UsageKey(FIRST_DAY.plusDays(day), UserIdentity.email(email(user)));
        // A delivery id as ingest makes them (a SHA-256 in hex), kept in the item's lastDeliveries.
        batch.add(new DayDelivery(sha256(key.toString()), key, userDay(templates, user, day)));
        if (batch.size() == 100) {
          writes.add(count(writers, store, fast, connection, batch));
          batch = new ArrayList<>();
        }
      }
    }
    if (!batch.isEmpty()) {
      writes.add(count(writers, store, fast, connection, batch));
    }
    for (Future<?> write : writes) {
      write.get();
    }
    writers.shutdown();
    return expected;
  }

  /**
   * Counts a batch through the store's plain-write path, the one a delta export of one user-day
   * takes, so each item carries what that path stores besides the counters.
   */
  private static Future<?> count(
      ExecutorService writers,
      DynamoDbUsageStore store,
      Loader fast,
      String connection,
      List<DayDelivery> batch) {
    return writers.submit(
        () -> {
          if (fast != null) {
            BenchUserDays.put(fast.client(), fast.usageTable(), connection, batch);
            return null;
          }
          Map<String, UsageStore.Counted> counted = store.countOnce(connection, batch);
          if (counted.size() != batch.size()
              || counted.values().stream().anyMatch(c -> c != UsageStore.Counted.NOW)) {
            throw new IllegalStateException("a load batch was not counted whole: " + counted);
          }
          return null;
        });
  }

  private static String sha256(String text) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** What the summary of the whole range must say: every user active, every session counted. */
  private record Expected(int users, long sessions) {
    long check(ApiResponse answer) throws Exception {
      if (answer.status() != 200) {
        throw new IllegalStateException("the summary answered " + answer.bodyText());
      }
      JsonNode summary = JSON.readTree(answer.body());
      long activeUsers = summary.path("totals").path("active_users").asLong();
      long sessions = summary.path("totals").path("num_sessions").asLong();
      int byUser = summary.path("by_user").size();
      if (activeUsers != users || byUser != users || sessions != this.sessions) {
        throw new IllegalStateException(
            "the summary says "
                + activeUsers
                + " active users, "
                + byUser
                + " in by_user, "
                + sessions
                + " sessions; loaded "
                + users
                + " users, "
                + this.sessions
                + " sessions");
      }
      return sessions;
    }
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
