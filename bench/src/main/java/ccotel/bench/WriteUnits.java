package ccotel.bench;

import ccotel.aggregate.AggregationService;
import ccotel.config.Config;
import ccotel.dynamodb.DynamoDbDayVersions;
import ccotel.dynamodb.DynamoDbTables;
import ccotel.dynamodb.DynamoDbUsageStore;
import ccotel.embedded.EmbeddedDynamoDb;
import ccotel.ingest.QueuedExport;
import ccotel.otlp.OtlpDecoder;
import ccotel.otlp.OtlpEncoding;
import ccotel.otlp.OtlpSignal;
import ccotel.testing.QueuedExports;
import ccotel.usage.ClaudeCodeUsageMapper;
import ccotel.usage.Counter;
import ccotel.usage.UsageKey;
import ccotel.usage.UsageObservations;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * {@code ./ccotel bench writes}: DynamoDB write units per 1,000 exports, as DynamoDB Local reports
 * them ({@code ReturnConsumedCapacity}), for a realistic stream — N users, each sending the
 * captured session's metrics every 60 s and logs every 5 s — in arrival order:
 *
 * <ul>
 *   <li>the lower bound: for each export, one plain {@code UpdateItem} per user-day it touches and
 *       one plain {@code PutItem} marker, with no atomicity;
 *   <li>ccotel with batches of one export;
 *   <li>ccotel with SQS batches of {@code --batch} exports, merged.
 * </ul>
 *
 * The captured session's exports are delta temporality and each adds to one user-day, so ccotel
 * counts them with plain writes: one conditional update per user-day and batch, one marker per
 * export (see PlainDayCounter); the consistent reads that this takes are reported beside.
 */
final class WriteUnits {

  private static final ObjectMapper JSON = new ObjectMapper();

  private WriteUnits() {}

  static void run(String[] args, Path results) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int users = Integer.parseInt(options.getOrDefault("users", "20"));
    int batch = Integer.parseInt(options.getOrDefault("batch", "100"));
    int minutes = Integer.parseInt(options.getOrDefault("minutes", "5"));
    // protobuf-cumulative: metrics with cumulative temporality, each export one transaction.
    String scenario = options.getOrDefault("scenario", "protobuf-delta");
    // false: without the day change versions the summary's cache needs (the cost before them).
    boolean dayChanges = !"false".equals(options.get("day-changes"));
    List<QueuedExport> stream = stream(users, minutes, scenario);
    try (EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.startInMemory()) {
      CapacityMeter meter = new CapacityMeter();
      DynamoDbClient client = meter.client(dynamoDb.endpoint());

      Cost lowerBound = lowerBound(client, meter, stream);
      Cost perExport =
          measure(
              client,
              meter,
              "per-export",
              store -> {
                AggregationService service = aggregator(client, store, "per-export", dayChanges);
                for (QueuedExport export : stream) {
                  countAll(service, List.of(export));
                }
              });
      Cost merged =
          measure(
              client,
              meter,
              "merged",
              store -> {
                AggregationService service = aggregator(client, store, "merged", dayChanges);
                for (int i = 0; i < stream.size(); i += batch) {
                  countAll(service, stream.subList(i, Math.min(stream.size(), i + batch)));
                }
              });

      double per1000 = 1000.0 / stream.size();
      ObjectNode report = JSON.createObjectNode();
      report.put("users", users);
      report.put("minutes", minutes);
      report.put("exports", stream.size());
      report.put("batchSize", batch);
      report.put("scenario", scenario);
      report.put("dayChanges", dayChanges);
      for (Map.Entry<String, Cost> run :
          Map.of("lowerBound", lowerBound, "perExport", perExport, "mergedBatches", merged)
              .entrySet()) {
        Cost cost = run.getValue();
        ObjectNode node = report.putObject(run.getKey());
        node.put(
            "itemWritesPer1000Exports", (cost.plainItems() + cost.transactionalItems()) * per1000);
        node.put("awsRuleWriteUnitsPer1000Exports", cost.writeUnits() * per1000);
        node.put("ratioToLowerBound", cost.writeUnits() / lowerBound.writeUnits());
        node.put("readUnitsPer1000Exports", cost.readUnits() * per1000);
        node.put("exportsPerSecondOneThread", stream.size() / cost.seconds());
        node.put(
            "dynamoDbLocalReportedTransactionWruPer1000Exports",
            cost.transactionUnitsReported() * per1000);
      }
      String suffix =
          (scenario.equals("protobuf-delta") ? "" : "-" + scenario)
              + (dayChanges ? "" : "-without-day-changes");
      Path file = results.resolve("writes-" + users + "-users-batch-" + batch + suffix + ".json");
      Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
      System.out.printf(
          "%d exports of %d users over %d min, per 1,000 exports:%n"
              + "                                                   item writes  write units"
              + "  vs bound  read units  exports/s%n",
          stream.size(), users, minutes);
      line("lower bound: plain, 1 per user-day + marker", lowerBound, lowerBound, per1000);
      line("ccotel: batches of one", perExport, lowerBound, per1000);
      line("ccotel: SQS batches of " + batch + " (merged)", merged, lowerBound, per1000);
      System.out.println(
          "Write units by AWS's rule: plain writes as DynamoDB Local sizes them (1 per KB), a"
              + " transactional\nitem twice a plain one (DynamoDB Local's own transaction"
              + " accounting does not follow that rule).\nRead units: consistent reads, 1 per 4"
              + " KB, billed at a fifth of a write unit on demand.\nexports/s: one thread against"
              + " DynamoDB Local on this machine (a latency floor, not AWS's).");
      System.out.println("results: " + file);
    }
  }

  /** The aggregator as deployed (with its day changes), or as before them. */
  private static AggregationService aggregator(
      DynamoDbClient client, DynamoDbUsageStore store, String name, boolean dayChanges) {
    return dayChanges
        ? new AggregationService(store, new DynamoDbDayVersions(client, config(name).usageTable()))
        : new AggregationService(store);
  }

  /** Aggregates a batch; a bench whose exports fail or count nothing measures nothing. */
  private static void countAll(AggregationService service, List<QueuedExport> batch) {
    for (AggregationService.Outcome outcome : service.aggregateAll(batch)) {
      if (outcome.failed()) {
        throw new IllegalStateException("an export failed", outcome.failure());
      }
      if (outcome.result().partsApplied() == 0 || outcome.result().rejected() > 0) {
        throw new IllegalStateException("an export was not counted whole: " + outcome.result());
      }
    }
  }

  private static void line(String name, Cost cost, Cost bound, double per1000) {
    System.out.printf(
        "  %-48s %8.0f %12.0f %8.2f x %10.0f %10.0f%n",
        name,
        (cost.plainItems() + cost.transactionalItems()) * per1000,
        cost.writeUnits() * per1000,
        cost.writeUnits() / bound.writeUnits(),
        cost.readUnits() * per1000,
        1000 / per1000 / cost.seconds());
  }

  /** The exports users send in {@code minutes}, in the order they arrive. */
  private static List<QueuedExport> stream(int users, int minutes, String scenario) {
    List<QueuedExport> stream = new ArrayList<>();
    long start = System.currentTimeMillis() * 1_000_000L;
    int ticks = minutes * 12; // one every 5 s
    for (int tick = 0; tick < ticks; tick++) {
      long now = start + tick * 5_000_000_000L;
      for (int user = 0; user < users; user++) {
        String email = "writes-" + user + "@example.com";
        String session = "session-" + user;
        LoadGenerator.Export logs =
            LoadGenerator.Export.logs(template(scenario, false, tick), email, session, now);
        Instant receivedAt = Instant.ofEpochSecond(0, now);
        stream.add(QueuedExports.of("conn_writes", OtlpSignal.LOGS, logs.body(), receivedAt));
        if (tick % 12 == user % 12) {
          LoadGenerator.Export metrics =
              LoadGenerator.Export.metrics(
                  template(scenario, true, tick / 12), email, session, now);
          stream.add(
              QueuedExports.of("conn_writes", OtlpSignal.METRICS, metrics.body(), receivedAt));
        }
      }
    }
    return stream;
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

  private interface Run {
    void apply(DynamoDbUsageStore store) throws Exception;
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
      double seconds) {
    /**
     * Write units by AWS's rule: plain writes as sized, and each transactional item twice (our
     * transactional items are all under 1 KB).
     */
    double writeUnits() {
      return plainUnits + 2 * transactionalItems;
    }
  }

  private static Cost measure(DynamoDbClient client, CapacityMeter meter, String name, Run run)
      throws Exception {
    DynamoDbUsageStore store = freshStore(client, name);
    double plainUnits = meter.plainUnits.sum();
    double transactionUnits = meter.transactionUnits.sum();
    double readUnits = meter.readUnits.sum();
    long plain = meter.items.sum();
    long transactional = meter.transactionalItems.sum();
    long started = System.nanoTime();
    run.apply(store);
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Cost(
        meter.plainUnits.sum() - plainUnits,
        meter.transactionUnits.sum() - transactionUnits,
        meter.items.sum() - plain,
        meter.transactionalItems.sum() - transactional,
        meter.readUnits.sum() - readUnits,
        seconds);
  }

  /** One plain update per user-day per export and one plain marker put: nothing atomic. */
  private static Cost lowerBound(
      DynamoDbClient client, CapacityMeter meter, List<QueuedExport> stream) throws Exception {
    // measure() makes the "bound" tables, which the plain writes then use.
    return measure(client, meter, "bound", store -> writePlainly(client, stream));
  }

  private static void writePlainly(DynamoDbClient client, List<QueuedExport> stream)
      throws Exception {
    Config config = config("bound");
    for (QueuedExport export : stream) {
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
                    .key(
                        Map.of(
                            DynamoDbTables.USAGE_PARTITION_KEY,
                            s("conn_writes"),
                            DynamoDbTables.USAGE_SORT_KEY,
                            s(row.getKey().day() + "#" + row.getKey().user().value())))
                    .updateExpression("ADD " + String.join(", ", adds))
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
      }
    }
  }

  private static DynamoDbUsageStore freshStore(DynamoDbClient client, String name) {
    Config config = config(name);
    DynamoDbTables.createIfMissing(client, config);
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
    final LongAdder items = new LongAdder();
    final LongAdder transactionalItems = new LongAdder();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
      SdkRequest request = context.request();
      ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
      if (request instanceof TransactWriteItemsRequest transact) {
        transactionalItems.add(transact.transactItems().size());
        return transact.toBuilder().returnConsumedCapacity(total).build();
      } else if (request instanceof UpdateItemRequest update) {
        items.increment();
        return update.toBuilder().returnConsumedCapacity(total).build();
      } else if (request instanceof PutItemRequest put) {
        items.increment();
        return put.toBuilder().returnConsumedCapacity(total).build();
      } else if (request instanceof BatchWriteItemRequest batch) {
        batch.requestItems().values().forEach(writes -> items.add(writes.size()));
        return batch.toBuilder().returnConsumedCapacity(total).build();
      } else if (request instanceof GetItemRequest get) {
        return get.toBuilder().returnConsumedCapacity(total).build();
      } else if (request instanceof BatchGetItemRequest batch) {
        return batch.toBuilder().returnConsumedCapacity(total).build();
      } else if (request instanceof QueryRequest query) {
        return query.toBuilder().returnConsumedCapacity(total).build();
      }
      return request;
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

    /** A client of DynamoDB Local at {@code endpoint} whose calls this meter adds up. */
    DynamoDbClient client(java.net.URI endpoint) {
      return DynamoDbClient.builder()
          .endpointOverride(endpoint)
          .region(software.amazon.awssdk.regions.Region.US_EAST_1)
          .credentialsProvider(
              software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                  software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                      "local", "local")))
          .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
          .overrideConfiguration(c -> c.addExecutionInterceptor(this))
          .build();
    }

    private static void add(DoubleAdder sum, ConsumedCapacity capacity) {
      if (capacity != null && capacity.capacityUnits() != null) {
        sum.add(capacity.capacityUnits());
      }
    }
  }
}
