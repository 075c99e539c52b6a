package ccotel.bench;

import ccotel.activity.Activity;
import ccotel.aggregate.AggregationService;
import ccotel.config.Config;
import ccotel.dynamodb.DynamoDbActivity;
import ccotel.dynamodb.DynamoDbDayVersions;
import ccotel.dynamodb.DynamoDbShardLayouts;
import ccotel.dynamodb.DynamoDbTables;
import ccotel.dynamodb.DynamoDbUsageStore;
import ccotel.embedded.EmbeddedDynamoDb;
import ccotel.ingest.QueuedExport;
import ccotel.otlp.OtlpSignal;
import ccotel.testing.QueuedExports;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * {@code ./ccotel bench keys}: write units per partition key when one connection has many
 * developers. For each size (developers, shards), a sample of exports — each from a developer drawn
 * at random, the captured session's logs, so nearly every export is a user-day of its own, the
 * worst case for a key — runs through the real aggregator (usage store, day versions, activity) in
 * SQS batches against DynamoDB Local; each write's consumed units ({@code ReturnConsumedCapacity})
 * are added to its table and partition key. The units per export are measured; the rate per key is
 * those units times the size's export rate ({@code --per-developer}: 0.22 exports/s per busy
 * developer by default, 22,000/s for 100,000; the generated settings' 300 s intervals send about
 * 0.007): scaled, not run at that rate.
 */
final class KeyLoad {

  /** Exports per second per busy developer: issue 17's 22,000/s for 100,000. */
  static final String EXPORTS_PER_DEVELOPER_SECOND = "0.22";

  /** DynamoDB's documented limit per partition key. */
  static final double KEY_LIMIT = 1000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONNECTION = "conn_keys";

  private KeyLoad() {}

  record Size(int developers, int shards) {}

  static void run(String[] args, Path results) throws Exception {
    Map<String, String> options = BenchCli.options(args);
    int sample = Integer.parseInt(options.getOrDefault("exports", "20000"));
    int batch = Integer.parseInt(options.getOrDefault("batch", "100"));
    double perDeveloper =
        Double.parseDouble(options.getOrDefault("per-developer", EXPORTS_PER_DEVELOPER_SECOND));
    List<Size> sizes = new ArrayList<>();
    for (String size :
        options.getOrDefault("sizes", "1000:1,1000:8,10000:8,100000:64,1000000:512").split(",")) {
      String[] parts = size.split(":");
      sizes.add(new Size(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
    }
    ObjectNode report = JSON.createObjectNode();
    report.put("exportsPerSize", sample);
    report.put("batchSize", batch);
    report.put("exportsPerDeveloperSecond", perDeveloper);
    report.put(
        "note",
        "units per export measured on DynamoDB Local (ReturnConsumedCapacity, per request and"
            + " key); rates are those units times developers x "
            + perDeveloper
            + " exports/s: scaled, not run at"
            + " that rate. Transactional items counted 2 units each (AWS's rule). One aggregator"
            + " (its users' last active days are written once per container: more containers,"
            + " more of them).");
    ArrayNode rows = report.putArray("sizes");
    System.out.printf(
        "%d exports per size (random developers, captured logs), SQS batches of %d; write units"
            + " per second scaled to %s exports/s per developer:%n"
            + "  developers  exports/s  shards   usage WCU/s  state WCU/s   busiest key (WCU/s)"
            + "                 busiest usage shard%n",
        sample, batch, perDeveloper);
    try (EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.startInMemory()) {
      KeyMeter meter = new KeyMeter();
      DynamoDbClient client = meter.client(dynamoDb.endpoint());
      for (Size size : sizes) {
        rows.add(measure(client, meter, size, sample, batch, perDeveloper));
      }
    }
    String rate =
        options.containsKey("per-developer") ? "-per-developer-" + perDeveloper + "-per-s" : "";
    Path file = results.resolve("keys-" + sample + "-exports-batch-" + batch + rate + ".json");
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    System.out.println("results: " + file);
  }

  private static ObjectNode measure(
      DynamoDbClient client, KeyMeter meter, Size size, int sample, int batch, double perDeveloper)
      throws Exception {
    String name = "keys-" + size.developers() + "-" + size.shards();
    Config config = WriteUnits.config(name);
    DynamoDbTables.createIfMissing(client, config);
    if (size.shards() > 1) {
      new DynamoDbShardLayouts(client, config.usageTable(), Clock.systemUTC())
          .initial(CONNECTION, LocalDate.now(ZoneOffset.UTC).minusDays(1), size.shards());
    }
    DynamoDbUsageStore store = WriteUnits.store(client, config);
    AggregationService aggregator =
        new AggregationService(store, new DynamoDbDayVersions(client, config.usageTable()));
    Activity activity = new Activity(new DynamoDbActivity(client, config.usageTable()));
    List<QueuedExport> stream = stream(size.developers(), sample);
    meter.reset();
    for (int i = 0; i < stream.size(); i += batch) {
      List<QueuedExport> exports = stream.subList(i, Math.min(stream.size(), i + batch));
      List<Activity.Counted> counted = new ArrayList<>();
      List<AggregationService.Outcome> outcomes = aggregator.aggregateAll(exports);
      for (int j = 0; j < outcomes.size(); j++) {
        AggregationService.Outcome outcome = outcomes.get(j);
        if (outcome.failed() || outcome.result().partsApplied() == 0) {
          throw new IllegalStateException("an export was not counted", outcome.failure());
        }
        counted.add(new Activity.Counted(exports.get(j), outcome.result()));
      }
      activity.counted(counted);
    }

    double rate = size.developers() * perDeveloper;
    double perExportToRate = rate / stream.size();
    ObjectNode row = JSON.createObjectNode();
    row.put("developers", size.developers());
    row.put("shards", size.shards());
    row.put("exportsPerSecond", rate);
    ObjectNode tables = row.putObject("writeUnitsPerSecondByTable");
    meter.byTable().forEach((table, units) -> tables.put(kind(table), units * perExportToRate));
    List<Map.Entry<String, Double>> keys = new ArrayList<>(meter.byKey.entrySet());
    keys.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
    ArrayNode top = row.putArray("busiestKeys");
    for (Map.Entry<String, Double> key : keys.subList(0, Math.min(8, keys.size()))) {
      ObjectNode node = top.addObject();
      node.put("table", kind(key.getKey().substring(0, key.getKey().indexOf(' '))));
      node.put("key", key.getKey().substring(key.getKey().indexOf(' ') + 1));
      node.put("writeUnitsPerSecond", key.getValue() * perExportToRate);
    }
    // The usage items' shards: the connection's own key for one, else <connection>#<i> (the own
    // key then holds only the per-connection items).
    double busiestShard = 0;
    double shardSum = 0;
    for (Map.Entry<String, Double> key : meter.byKey.entrySet()) {
      String partition = key.getKey().substring(key.getKey().indexOf(' ') + 1);
      if (key.getKey().startsWith(config.usageTable() + " ")
          && (size.shards() == 1 ? partition.equals(CONNECTION) : partition.contains("#"))) {
        busiestShard = Math.max(busiestShard, key.getValue());
        shardSum += key.getValue();
      }
    }
    row.put("busiestUsageShardWriteUnitsPerSecond", busiestShard * perExportToRate);
    row.put("meanUsageShardWriteUnitsPerSecond", shardSum / size.shards() * perExportToRate);
    double busiest = keys.isEmpty() ? 0 : keys.get(0).getValue() * perExportToRate;
    row.put("busiestKeyWriteUnitsPerSecond", busiest);
    row.put("busiestKeyUnderLimit", busiest <= KEY_LIMIT);
    row.put(
        "usageWriteUnitsPerExport",
        meter.byTable().getOrDefault(config.usageTable(), 0.0) / stream.size());
    row.put(
        "stateWriteUnitsPerExport",
        meter.byTable().getOrDefault(config.stateTable(), 0.0) / stream.size());
    System.out.printf(
        "  %10d %10.0f %7d %13.0f %12.0f   %8.0f %-26s %8.0f (mean %.0f)%n",
        size.developers(),
        rate,
        size.shards(),
        meter.byTable().getOrDefault(config.usageTable(), 0.0) * perExportToRate,
        meter.byTable().getOrDefault(config.stateTable(), 0.0) * perExportToRate,
        busiest,
        keys.isEmpty() ? "" : shortKey(keys.get(0).getKey()),
        busiestShard * perExportToRate,
        row.get("meanUsageShardWriteUnitsPerSecond").asDouble());
    return row;
  }

  private static String kind(String table) {
    return table.substring(table.lastIndexOf('-') + 1);
  }

  private static String shortKey(String tableAndKey) {
    return kind(tableAndKey.substring(0, tableAndKey.indexOf(' ')))
        + " "
        + tableAndKey.substring(tableAndKey.indexOf(' ') + 1);
  }

  /** {@code sample} exports, each of the captured session's logs from a random developer. */
  private static List<QueuedExport> stream(int developers, int sample) {
    Random random = new Random(17); // the same sample every run
    List<byte[]> templates = new ArrayList<>();
    BenchFixtures.locate();
    for (var request : ccotel.testing.Fixtures.requests("protobuf-delta")) {
      if (request.path().endsWith("/v1/logs")) {
        templates.add(request.body());
      }
    }
    List<QueuedExport> stream = new ArrayList<>(sample);
    long start = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < sample; i++) {
      int developer = random.nextInt(developers);
      long now = start + i * 1_000_000L;
      LoadGenerator.Export logs =
          LoadGenerator.Export.logs(
              templates.get(i % templates.size()),
              "dev-" + developer + "@example.com",
              "session-" + developer,
              now);
      stream.add(
          QueuedExports.of(
              CONNECTION, OtlpSignal.LOGS, logs.body(), Instant.ofEpochSecond(0, now)));
    }
    return stream;
  }

  /**
   * Write units per table and per (table, partition key), from each write's consumed capacity:
   * single-item writes exactly; a batch's units shared evenly among its items (our batches are
   * markers of one size); transactional items 2 units each (AWS's rule for items under 1 KB).
   */
  static final class KeyMeter implements ExecutionInterceptor {
    final Map<String, Double> byKey = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> tables = new ConcurrentHashMap<>();

    void reset() {
      byKey.clear();
      tables.clear();
    }

    Map<String, Double> byTable() {
      Map<String, Double> sums = new HashMap<>();
      tables.forEach((table, units) -> sums.put(table, units.sum()));
      return sums;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
      return CapacityRequests.total(context.request());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      SdkRequest request = context.request();
      SdkResponse response = context.response();
      if (response instanceof UpdateItemResponse update
          && request instanceof UpdateItemRequest sent) {
        add(sent.tableName(), sent.key(), units(update.consumedCapacity()));
      } else if (response instanceof PutItemResponse put
          && request instanceof PutItemRequest sent) {
        add(sent.tableName(), sent.item(), units(put.consumedCapacity()));
      } else if (response instanceof BatchWriteItemResponse batch
          && request instanceof BatchWriteItemRequest sent) {
        for (ConsumedCapacity capacity : batch.consumedCapacity()) {
          var writes = sent.requestItems().get(capacity.tableName());
          for (var write : writes) {
            add(capacity.tableName(), write.putRequest().item(), units(capacity) / writes.size());
          }
        }
      } else if (request instanceof TransactWriteItemsRequest sent) {
        for (TransactWriteItem item : sent.transactItems()) {
          if (item.update() != null) {
            add(item.update().tableName(), item.update().key(), 2);
          } else if (item.put() != null) {
            add(item.put().tableName(), item.put().item(), 2);
          }
        }
      }
    }

    private void add(String table, Map<String, AttributeValue> key, double units) {
      AttributeValue partition =
          key.containsKey(DynamoDbTables.USAGE_PARTITION_KEY)
              ? key.get(DynamoDbTables.USAGE_PARTITION_KEY)
              : key.get(DynamoDbTables.STATE_PARTITION_KEY);
      byKey.merge(table + " " + partition.s(), units, Double::sum);
      tables.computeIfAbsent(table, t -> new DoubleAdder()).add(units);
    }

    private static double units(ConsumedCapacity capacity) {
      return capacity == null || capacity.capacityUnits() == null ? 0 : capacity.capacityUnits();
    }

    DynamoDbClient client(java.net.URI endpoint) {
      return CapacityRequests.meteredClient(endpoint, this);
    }
  }
}
