package ccotel.bench;

import ccotel.aggregate.AggregationService;
import ccotel.config.Config;
import ccotel.dynamodb.BenchUserDays;
import ccotel.dynamodb.DynamoDbActivity;
import ccotel.dynamodb.DynamoDbDayVersions;
import ccotel.dynamodb.DynamoDbTables;
import ccotel.dynamodb.DynamoDbUsageStore;
import ccotel.embedded.EmbeddedDynamoDb;
import ccotel.ingest.QueuedExport;
import ccotel.lambda.AggregatorHandler;
import ccotel.metrics.ServiceMetrics;
import ccotel.otlp.OtlpDecoder;
import ccotel.otlp.OtlpEncoding;
import ccotel.otlp.OtlpSignal;
import ccotel.sqs.SqsExportMessages;
import ccotel.testing.QueuedExports;
import ccotel.usage.ClaudeCodeUsageMapper;
import ccotel.usage.Counter;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageObservations;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * {@code ./ccotel bench writes}: DynamoDB write units, read units and SQS requests per 1,000
 * exports, as DynamoDB Local reports them ({@code ReturnConsumedCapacity}), for a realistic stream
 * — N users, each sending the captured session's metrics every {@code --metrics-interval} s and
 * logs every {@code --logs-interval} s (60 and 5, Claude Code's defaults) — in arrival order:
 *
 * <ul>
 *   <li>the lower bound: for each export, one plain {@code UpdateItem} per user-day it touches and
 *       one plain {@code PutItem} marker, with no atomicity;
 *   <li>ccotel with batches of one export;
 *   <li>ccotel as deployed: {@code --pollers} event source pollers, each handing the aggregator
 *       handler (with its activity and day change writes) batches of up to {@code --batch} exports,
 *       closed {@code --window} s after their first.
 * </ul>
 *
 * The captured session's exports are delta temporality and each adds to one user-day, so ccotel
 * counts them with plain writes: one conditional update per user-day and batch, one marker per
 * export (see PlainDayCounter); the consistent reads that this takes are reported beside. Every
 * run's counters are compared with the lower bound's at the end: a run that counts differently
 * fails the bench.
 */
final class WriteUnits {

  private static final ObjectMapper JSON = new ObjectMapper();

  private WriteUnits() {}

  static void run(String[] args, Path results) throws Exception {
    Map<String, String> options = BenchCli.options(args);
    int users = Integer.parseInt(options.getOrDefault("users", "20"));
    int batch = Integer.parseInt(options.getOrDefault("batch", "100"));
    int window = Integer.parseInt(options.getOrDefault("window", "20"));
    int pollers = Integer.parseInt(options.getOrDefault("pollers", "1"));
    int minutes = Integer.parseInt(options.getOrDefault("minutes", "5"));
    // Minutes sent before the measured ones: each user's first writes of the day (its item, its
    // last active day in each container) are then behind, as they are for most of a working day.
    int warmUp = Integer.parseInt(options.getOrDefault("warm-up", "0"));
    int metricsInterval = Integer.parseInt(options.getOrDefault("metrics-interval", "60"));
    int logsInterval = Integer.parseInt(options.getOrDefault("logs-interval", "5"));
    boolean perExportRun = !"false".equals(options.get("per-export"));
    // protobuf-cumulative: metrics with cumulative temporality, each export one transaction.
    String scenario = options.getOrDefault("scenario", "protobuf-delta");
    // false: without the day change versions the summary's cache needs (the cost before them).
    boolean dayChanges = !"false".equals(options.get("day-changes"));
    List<Arrival> all = stream(users, warmUp + minutes, metricsInterval, logsInterval, scenario);
    List<List<Arrival>> allBatches = new ArrayList<>();
    SqsRequests sqs = SqsRequests.of(all, pollers, batch, window, allBatches);
    long measuredFrom = warmUp * 60_000L;
    List<Arrival> early = all.stream().filter(a -> a.atMillis() < measuredFrom).toList();
    List<Arrival> stream = all.stream().filter(a -> a.atMillis() >= measuredFrom).toList();
    // A batch is warm-up or measured as a whole: it closed before the measured minutes, or not.
    List<List<Arrival>> earlyBatches =
        allBatches.stream().filter(b -> last(b).atMillis() < measuredFrom).toList();
    List<List<Arrival>> batches =
        allBatches.stream().filter(b -> last(b).atMillis() >= measuredFrom).toList();
    int inBatches = batches.stream().mapToInt(List::size).sum();
    try (EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.startInMemory()) {
      CapacityMeter meter = new CapacityMeter();
      DynamoDbClient client = meter.client(dynamoDb.endpoint());

      Cost lowerBound = lowerBound(client, meter, early, stream);
      Map<String, Long> expected = counters(client, "bound");
      Cost perExport = null;
      if (perExportRun) {
        perExport =
            measure(
                client,
                meter,
                "per-export",
                stream.size(),
                (store, warming) -> {
                  AggregatorHandler handler = handler(client, store, "per-export", dayChanges);
                  for (Arrival arrival : warming ? early : stream) {
                    countAll(handler, List.of(arrival));
                  }
                });
        sameCounters(expected, counters(client, "per-export"), "batches of one");
      }
      // One aggregator container per poller: each has its own caches.
      Map<Integer, AggregatorHandler> handlers = new HashMap<>();
      Cost merged =
          measure(
              client,
              meter,
              "merged",
              inBatches,
              (store, warming) -> {
                for (List<Arrival> ofPoller : warming ? earlyBatches : batches) {
                  AggregatorHandler handler =
                      handlers.computeIfAbsent(
                          ofPoller.get(0).poller(),
                          p -> handler(client, store, "merged", dayChanges));
                  countAll(handler, ofPoller);
                }
              });
      sameCounters(expected, counters(client, "merged"), "merged batches");
      ItemSizes sizes = ItemSizes.of(client, config("merged").usageTable());

      ObjectNode report = JSON.createObjectNode();
      report.put("users", users);
      report.put("minutes", minutes);
      report.put("warmUpMinutes", warmUp);
      report.put("metricsIntervalSeconds", metricsInterval);
      report.put("logsIntervalSeconds", logsInterval);
      report.put("exports", stream.size());
      report.put("batchSize", batch);
      report.put("batchingWindowSeconds", window);
      report.put("pollers", pollers);
      report.put("batches", batches.size());
      report.put("averageBatch", (double) stream.size() / batches.size());
      report.put("scenario", scenario);
      report.put("dayChanges", dayChanges);
      Map<String, Cost> runs = new java.util.LinkedHashMap<>();
      runs.put("lowerBound", lowerBound);
      if (perExport != null) {
        runs.put("perExport", perExport);
      }
      runs.put("mergedBatches", merged);
      for (Map.Entry<String, Cost> run : runs.entrySet()) {
        Cost cost = run.getValue();
        ObjectNode node = report.putObject(run.getKey());
        node.put("exportsMeasured", cost.exports());
        node.put(
            "itemWritesPer1000Exports",
            cost.per1000(cost.plainItems() + cost.transactionalItems()));
        node.put("awsRuleWriteUnitsPer1000Exports", cost.writeUnitsPer1000());
        node.put("ratioToLowerBound", cost.writeUnitsPer1000() / lowerBound.writeUnitsPer1000());
        node.put("readUnitsPer1000Exports", cost.per1000(cost.readUnits()));
        node.put("exportsPerSecondOneThread", cost.exports() / cost.seconds());
        node.put(
            "dynamoDbLocalReportedTransactionWruPer1000Exports",
            cost.per1000(cost.transactionUnitsReported()));
      }
      ObjectNode items = report.putObject("userDayItemsAtTheEnd");
      items.put("count", sizes.count());
      items.put("averageBytes", sizes.averageBytes());
      items.put("largestBytes", sizes.largestBytes());
      items.put("overOneKb", sizes.overOneKb());
      ObjectNode queue = report.putObject("sqsRequestsPer1000Exports");
      double sqsPer1000 = 1000.0 / all.size(); // of the whole stream, warm-up included
      queue.put("send", sqs.sends() * sqsPer1000);
      queue.put("receive", sqs.receives() * sqsPer1000);
      queue.put("emptyReceive", sqs.emptyReceives() * sqsPer1000);
      queue.put("delete", sqs.deletes() * sqsPer1000);
      queue.put("total", sqs.total() * sqsPer1000);
      queue.put("averageMessageBytes", sqs.averageMessageBytes());
      String suffix =
          (scenario.equals("protobuf-delta") ? "" : "-" + scenario)
              + (dayChanges ? "" : "-without-day-changes");
      String cadence =
          metricsInterval == 60 && logsInterval == 5
              ? ""
              : "-metrics-" + metricsInterval + "s-logs-" + logsInterval + "s";
      String batching =
          "-batch-"
              + batch
              + (window == 20 ? "" : "-window-" + window + "s")
              + (pollers == 1 ? "" : "-pollers-" + pollers);
      Path file =
          results.resolve("writes-" + users + "-users" + cadence + batching + suffix + ".json");
      Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
      System.out.printf(
          "%d exports of %d users over %d min after %d min of warm-up (metrics every %d s, logs"
              + " every %d s),%n"
              + "%d batches (up to %d, window %d s, %d poller(s)), per 1,000 exports:%n"
              + "                                                   item writes  write units"
              + "  vs bound  read units  exports/s%n",
          stream.size(),
          users,
          minutes,
          warmUp,
          metricsInterval,
          logsInterval,
          batches.size(),
          batch,
          window,
          pollers);
      line("lower bound: plain, 1 per user-day + marker", lowerBound, lowerBound);
      if (perExport != null) {
        line("ccotel: batches of one", perExport, lowerBound);
      }
      line("ccotel: SQS batches of " + batch + " (merged)", merged, lowerBound);
      System.out.printf(
          "SQS requests per 1,000 exports: %.0f (send %.0f, receive %.0f of which empty %.0f,"
              + " delete %.0f); average message %d bytes%n",
          sqs.total() * 1000.0 / all.size(),
          sqs.sends() * 1000.0 / all.size(),
          sqs.receives() * 1000.0 / all.size(),
          sqs.emptyReceives() * 1000.0 / all.size(),
          sqs.deletes() * 1000.0 / all.size(),
          sqs.averageMessageBytes());
      System.out.printf(
          "User-day items at the end: %d, average %d bytes, largest %d, %d over 1 KB%n",
          sizes.count(), sizes.averageBytes(), sizes.largestBytes(), sizes.overOneKb());
      System.out.println(
          "Write units by AWS's rule: plain writes as DynamoDB Local sizes them (1 per KB), a"
              + " refused\nconditional write 1 (DynamoDB Local reports none), a transactional"
              + "\nitem twice a plain one (DynamoDB Local's own transaction"
              + " accounting does not follow that rule).\nRead units: consistent reads, 1 per 4"
              + " KB, billed at a fifth of a write unit on demand.\nexports/s: one thread against"
              + " DynamoDB Local on this machine (a latency floor, not AWS's).\nSQS: a model of"
              + " the event source's pollers (long polls of up to 10 messages, one batched\ndelete"
              + " per 10), not AWS's own count.");
      System.out.println("results: " + file);
    }
  }

  /** The aggregator handler as deployed: activity and (unless turned off) day changes. */
  private static AggregatorHandler handler(
      DynamoDbClient client, DynamoDbUsageStore store, String name, boolean dayChanges) {
    String usage = config(name).usageTable();
    AggregationService aggregation =
        dayChanges
            ? new AggregationService(store, new DynamoDbDayVersions(client, usage))
            : new AggregationService(store);
    return new AggregatorHandler(
        aggregation,
        ServiceMetrics.NONE,
        Clock.systemUTC(),
        new DynamoDbActivity(client, usage),
        Config.DEFAULT_MAX_RECEIVE_COUNT);
  }

  /** Hands a batch to the handler as SQS would; a bench whose exports fail measures nothing. */
  private static void countAll(AggregatorHandler handler, List<Arrival> batch) {
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    for (Arrival arrival : batch) {
      SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
      message.setMessageId(arrival.export().deliveryId());
      message.setBody(SqsExportMessages.body(arrival.export()));
      message.setEventSource("aws:sqs");
      message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
      Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
      SqsExportMessages.attributes(arrival.export())
          .forEach(
              (name, value) -> {
                SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
                attribute.setDataType("String");
                attribute.setStringValue(value);
                attributes.put(name, attribute);
              });
      message.setMessageAttributes(attributes);
      records.add(message);
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(records);
    SQSBatchResponse response = handler.handleRequest(event, new QuietContext());
    if (!response.getBatchItemFailures().isEmpty()) {
      throw new IllegalStateException(
          response.getBatchItemFailures().size() + " exports of a batch failed");
    }
  }

  /** The user-day items' sizes by DynamoDB's rule (names and values; numbers as stored). */
  record ItemSizes(int count, int averageBytes, int largestBytes, int overOneKb) {
    static ItemSizes of(DynamoDbClient client, String table) {
      List<Integer> sizes = new ArrayList<>();
      client
          .scanPaginator(b -> b.tableName(table).consistentRead(true))
          .items()
          .forEach(
              item -> {
                if (Character.isDigit(item.get(DynamoDbTables.USAGE_SORT_KEY).s().charAt(0))) {
                  int bytes = 0;
                  for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
                    bytes += attribute.getKey().getBytes(StandardCharsets.UTF_8).length;
                    bytes += size(attribute.getValue());
                  }
                  sizes.add(bytes);
                }
              });
      int total = sizes.stream().mapToInt(Integer::intValue).sum();
      return new ItemSizes(
          sizes.size(),
          sizes.isEmpty() ? 0 : total / sizes.size(),
          sizes.stream().mapToInt(Integer::intValue).max().orElse(0),
          (int) sizes.stream().filter(size -> size > 1024).count());
    }

    /** AWS: strings and binaries by length, numbers about one byte per two digits plus one. */
    private static int size(AttributeValue value) {
      if (value.s() != null) {
        return value.s().getBytes(StandardCharsets.UTF_8).length;
      } else if (value.n() != null) {
        return (value.n().replaceAll("[^0-9]", "").length() + 1) / 2 + 1;
      } else if (value.hasSs()) {
        return value.ss().stream().mapToInt(v -> v.getBytes(StandardCharsets.UTF_8).length).sum();
      } else if (value.hasBs()) {
        return value.bs().stream().mapToInt(v -> v.asByteArray().length).sum();
      }
      return 1;
    }
  }

  /** Every usage counter of a run's table, by user-day sort key and name. */
  private static Map<String, Long> counters(DynamoDbClient client, String name) {
    Map<String, Long> counters = new java.util.TreeMap<>();
    client
        .scanPaginator(b -> b.tableName(config(name).usageTable()).consistentRead(true))
        .items()
        .forEach(
            item -> {
              String sortKey = item.get(DynamoDbTables.USAGE_SORT_KEY).s();
              if (Character.isDigit(sortKey.charAt(0))) {
                String where = item.get(DynamoDbTables.USAGE_PARTITION_KEY).s() + " " + sortKey;
                item.forEach(
                    (attribute, value) -> {
                      if (attribute.startsWith("c:")) {
                        counters.merge(
                            where + " " + attribute, Long.parseLong(value.n()), Long::sum);
                      }
                    });
              }
            });
    return counters;
  }

  private static void sameCounters(
      Map<String, Long> expected, Map<String, Long> actual, String run) {
    if (expected.isEmpty() || !expected.equals(actual)) {
      throw new IllegalStateException(
          run + " counted " + actual.size() + " counters, not the bound's " + expected.size());
    }
  }

  private static void line(String name, Cost cost, Cost bound) {
    System.out.printf(
        "  %-48s %8.0f %12.0f %8.2f x %10.0f %10.0f%n",
        name,
        cost.per1000(cost.plainItems() + cost.transactionalItems()),
        cost.writeUnitsPer1000(),
        cost.writeUnitsPer1000() / bound.writeUnitsPer1000(),
        cost.per1000(cost.readUnits()),
        cost.exports() / cost.seconds());
  }

  private static Arrival last(List<Arrival> batch) {
    return batch.get(batch.size() - 1);
  }

  /** An export as it reaches the queue, and which event source poller receives it. */
  record Arrival(long atMillis, QueuedExport export, int poller) {}

  /**
   * The exports users send in {@code minutes}, in the order they arrive: each user's logs every
   * {@code logsInterval} s and metrics every {@code metricsInterval} s, users spread evenly over
   * each interval.
   */
  private static List<Arrival> stream(
      int users, int minutes, int metricsInterval, int logsInterval, String scenario) {
    List<Arrival> stream = new ArrayList<>();
    // Yesterday 01:00 UTC: every run of up to 23 hours stays on one day, whenever it is run.
    long startMillis =
        java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                .atStartOfDay(java.time.ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli()
            - java.time.Duration.ofHours(23).toMillis();
    long endMillis = minutes * 60_000L;
    for (int user = 0; user < users; user++) {
      String email = "writes-" + user + "@example.com";
      String session = "session-" + user;
      for (OtlpSignal signal : OtlpSignal.values()) {
        long interval = (signal == OtlpSignal.METRICS ? metricsInterval : logsInterval) * 1000L;
        long offset = interval * user / users;
        int index = 0;
        for (long at = offset; at < endMillis; at += interval, index++) {
          long now = (startMillis + at) * 1_000_000L;
          byte[] template = template(scenario, signal == OtlpSignal.METRICS, index);
          LoadGenerator.Export export =
              signal == OtlpSignal.METRICS
                  ? LoadGenerator.Export.metrics(template, email, session, now)
                  : LoadGenerator.Export.logs(template, email, session, now);
          stream.add(
              new Arrival(
                  at,
                  QueuedExports.of(
                      "conn_writes", signal, export.body(), Instant.ofEpochSecond(0, now)),
                  0));
        }
      }
    }
    stream.sort(java.util.Comparator.comparingLong(Arrival::atMillis));
    return stream;
  }

  /**
   * What SQS is asked for the stream, modelled on Lambda's event source: every export one send;
   * {@code pollers} pollers, each receiving the messages that come to it (at random) with long
   * polls of up to 10 messages (20 s, an empty receive when none came) and gathering them into
   * batches of up to {@code batch}, closed {@code window} s after their first message; one batched
   * delete per 10 messages of a batch. Fills {@code batches}, in the order they close.
   */
  record SqsRequests(
      long sends, long receives, long emptyReceives, long deletes, int averageMessageBytes) {

    private static final long LONG_POLL_MILLIS = 20_000;
    private static final long ROUND_TRIP_MILLIS = 20;

    long total() {
      return sends + receives + deletes;
    }

    static SqsRequests of(
        List<Arrival> stream, int pollers, int batch, int window, List<List<Arrival>> batches) {
      java.util.Random random = new java.util.Random(17);
      List<List<Arrival>> byPoller = new ArrayList<>();
      for (int p = 0; p < pollers; p++) {
        byPoller.add(new ArrayList<>());
      }
      long bytes = 0;
      for (int i = 0; i < stream.size(); i++) {
        Arrival arrival = stream.get(i);
        int poller = random.nextInt(pollers);
        Arrival assigned = new Arrival(arrival.atMillis(), arrival.export(), poller);
        stream.set(i, assigned);
        byPoller.get(poller).add(assigned);
        bytes += SqsExportMessages.body(arrival.export()).length();
      }
      long receives = 0;
      long empty = 0;
      long deletes = 0;
      List<Map.Entry<Long, List<Arrival>>> closed = new ArrayList<>();
      for (List<Arrival> messages : byPoller) {
        // Receives: each returns what has arrived when it is answered, up to 10.
        long now = 0;
        int next = 0;
        while (next < messages.size()) {
          long arrives = messages.get(next).atMillis();
          if (arrives > now + LONG_POLL_MILLIS) {
            empty++;
            receives++;
            now += LONG_POLL_MILLIS;
            continue;
          }
          now = Math.max(now, arrives) + ROUND_TRIP_MILLIS;
          int taken = 0;
          while (next < messages.size() && taken < 10 && messages.get(next).atMillis() <= now) {
            next++;
            taken++;
          }
          receives++;
        }
        // Batches: closed when full, or when the window since their first message has passed.
        List<Arrival> open = new ArrayList<>();
        for (Arrival message : messages) {
          if (!open.isEmpty() && message.atMillis() - open.get(0).atMillis() >= window * 1000L) {
            closed.add(Map.entry(open.get(0).atMillis() + window * 1000L, open));
            open = new ArrayList<>();
          }
          open.add(message);
          if (open.size() == batch) {
            closed.add(Map.entry(message.atMillis(), open));
            open = new ArrayList<>();
          }
        }
        if (!open.isEmpty()) {
          closed.add(Map.entry(open.get(0).atMillis() + window * 1000L, open));
        }
      }
      closed.sort(Map.Entry.comparingByKey());
      for (Map.Entry<Long, List<Arrival>> done : closed) {
        batches.add(done.getValue());
        deletes += (done.getValue().size() + 9) / 10;
      }
      return new SqsRequests(
          stream.size(), receives, empty, deletes, (int) (bytes / Math.max(1, stream.size())));
    }
  }

  private static byte[] template(String scenario, boolean metrics, int index) {
    List<byte[]> templates = new ArrayList<>();
    BenchFixtures.locate();
    for (var request : ccotel.testing.Fixtures.requests(scenario)) {
      if (request.path().endsWith("/v1/metrics") == metrics) {
        templates.add(request.body());
      }
    }
    return templates.get(index % templates.size());
  }

  /** A run in two parts: the warm-up, then the part measured. */
  private interface Run {
    void apply(DynamoDbUsageStore store, boolean warmUp) throws Exception;
  }

  /**
   * What a run consumed: plain write units as DynamoDB Local sizes them, transactional items (which
   * AWS bills at twice the units of a plain write of the same item), and read units.
   */
  record Cost(
      double plainUnits,
      double transactionUnitsReported,
      long plainItems,
      long transactionalItems,
      double readUnits,
      double seconds,
      long exports) {

    /** Per 1,000 of the exports measured. */
    double per1000(double amount) {
      return amount * 1000.0 / exports;
    }

    /**
     * Write units by AWS's rule: plain writes as sized, and each transactional item twice (our
     * transactional items are all under 1 KB).
     */
    double writeUnits() {
      return plainUnits + 2 * transactionalItems;
    }

    /** Write units per 1,000 exports, the unit every comparison uses. */
    double writeUnitsPer1000() {
      return per1000(writeUnits());
    }
  }

  private static Cost measure(
      DynamoDbClient client, CapacityMeter meter, String name, long exports, Run run)
      throws Exception {
    DynamoDbUsageStore store = freshStore(client, name);
    run.apply(store, true);
    double failedUnits = meter.failedConditionalWrites.sum();
    double plainUnits = meter.plainUnits.sum();
    double transactionUnits = meter.transactionUnits.sum();
    double readUnits = meter.readUnits.sum();
    long plain = meter.items.sum();
    long transactional = meter.transactionalItems.sum();
    long started = System.nanoTime();
    run.apply(store, false);
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Cost(
        meter.plainUnits.sum() - plainUnits + meter.failedConditionalWrites.sum() - failedUnits,
        meter.transactionUnits.sum() - transactionUnits,
        meter.items.sum() - plain,
        meter.transactionalItems.sum() - transactional,
        meter.readUnits.sum() - readUnits,
        seconds,
        exports);
  }

  /** One plain update per user-day per export and one plain marker put: nothing atomic. */
  private static Cost lowerBound(
      DynamoDbClient client, CapacityMeter meter, List<Arrival> early, List<Arrival> stream)
      throws Exception {
    // measure() makes the "bound" tables, which the plain writes then use.
    return measure(
        client,
        meter,
        "bound",
        stream.size(),
        (store, warming) -> writePlainly(client, warming ? early : stream));
  }

  private static void writePlainly(DynamoDbClient client, List<Arrival> stream) throws Exception {
    Config config = config("bound");
    for (Arrival arrival : stream) {
      QueuedExport export = arrival.export();
      UsageObservations observations =
          export.signal() == ccotel.otlp.OtlpSignal.METRICS
              ? ClaudeCodeUsageMapper.map(
                  OtlpDecoder.decodeMetrics(OtlpEncoding.PROTOBUF, export.protobufBody()),
                  export.receivedAt())
              : ClaudeCodeUsageMapper.map(
                  OtlpDecoder.decodeLogs(OtlpEncoding.PROTOBUF, export.protobufBody()),
                  export.receivedAt());
      client.putItem(
          b ->
              b.tableName(config.stateTable())
                  .item(Map.of(DynamoDbTables.STATE_PARTITION_KEY, s("d#" + export.deliveryId()))));
      for (Map.Entry<UsageKey, SortedMap<Counter, Long>> row :
          observations.deltas().byKey().entrySet()) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> adds = new ArrayList<>();
        int i = 0;
        for (Map.Entry<Counter, Long> counter : row.getValue().entrySet()) {
          names.put("#c" + i, "c:" + counter.getKey().name());
          values.put(":v" + i, AttributeValue.builder().n(counter.getValue().toString()).build());
          adds.add("#c" + i + " :v" + i);
          i++;
        }
        client.updateItem(
            b ->
                b.tableName(config.usageTable())
                    .key(BenchUserDays.usageKey("conn_writes", row.getKey()))
                    .updateExpression("ADD " + String.join(", ", adds))
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
      }
    }
  }

  private static DynamoDbUsageStore freshStore(DynamoDbClient client, String name) {
    Config config = config(name);
    DynamoDbTables.createIfMissing(client, config);
    return store(client, config);
  }

  /** The usage store over {@code config}'s tables, as the functions make it. */
  static DynamoDbUsageStore store(DynamoDbClient client, Config config) {
    return new DynamoDbUsageStore(
        client,
        config.usageTable(),
        config.stateTable(),
        Clock.systemUTC(),
        config.deliveryRetention());
  }

  static Config config(String name) {
    return Config.fromEnv(
        Map.of(
            Config.USAGE_TABLE, name + "-usage",
            Config.TOKENS_TABLE, name + "-tokens",
            Config.CONNECTIONS_TABLE, name + "-connections",
            Config.STATE_TABLE, name + "-state",
            Config.INGEST_QUEUE_URL, "http://unused"));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  /** Asks every read and write for its consumed capacity and adds it up. */
  static final class CapacityMeter implements ExecutionInterceptor {
    /** Write units DynamoDB Local reports for plain writes (which it sizes as AWS does). */
    final DoubleAdder plainUnits = new DoubleAdder();

    /** Write units DynamoDB Local reports for transactions (which it does not price as AWS). */
    final DoubleAdder transactionUnits = new DoubleAdder();

    final DoubleAdder readUnits = new DoubleAdder();

    /**
     * Conditional writes DynamoDB refused: AWS bills them (1 unit per KB of the item), DynamoDB
     * Local reports nothing; counted as 1 unit each, which is right for the small items that are
     * refused often (a last active day or export time already as late) and low for a user-day.
     */
    final LongAdder failedConditionalWrites = new LongAdder();

    final LongAdder items = new LongAdder();
    final LongAdder transactionalItems = new LongAdder();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
      SdkRequest request = context.request();
      if (request instanceof TransactWriteItemsRequest transact) {
        transactionalItems.add(transact.transactItems().size());
      } else if (request instanceof UpdateItemRequest || request instanceof PutItemRequest) {
        items.increment();
      } else if (request instanceof BatchWriteItemRequest batch) {
        batch.requestItems().values().forEach(writes -> items.add(writes.size()));
      }
      return CapacityRequests.total(request);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      SdkResponse response = context.response();
      if (response instanceof TransactWriteItemsResponse transact) {
        transact.consumedCapacity().forEach(capacity -> add(transactionUnits, capacity));
      } else if (response instanceof UpdateItemResponse update) {
        add(plainUnits, update.consumedCapacity());
      } else if (response instanceof PutItemResponse put) {
        add(plainUnits, put.consumedCapacity());
      } else if (response instanceof BatchWriteItemResponse batch) {
        batch.consumedCapacity().forEach(capacity -> add(plainUnits, capacity));
      } else if (response instanceof GetItemResponse get) {
        add(readUnits, get.consumedCapacity());
      } else if (response instanceof BatchGetItemResponse batch) {
        batch.consumedCapacity().forEach(capacity -> add(readUnits, capacity));
      } else if (response instanceof QueryResponse query) {
        add(readUnits, query.consumedCapacity());
      }
    }

    @Override
    public void onExecutionFailure(
        Context.FailedExecution context, ExecutionAttributes attributes) {
      if (context.exception() instanceof ConditionalCheckFailedException
          && (context.request() instanceof UpdateItemRequest
              || context.request() instanceof PutItemRequest)) {
        failedConditionalWrites.increment();
      }
    }

    /** A client of DynamoDB Local at {@code endpoint} whose calls this meter adds up. */
    DynamoDbClient client(java.net.URI endpoint) {
      return CapacityRequests.meteredClient(endpoint, this);
    }

    private static void add(DoubleAdder sum, ConsumedCapacity capacity) {
      if (capacity != null && capacity.capacityUnits() != null) {
        sum.add(capacity.capacityUnits());
      }
    }
  }
}
