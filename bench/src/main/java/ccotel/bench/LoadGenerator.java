package ccotel.bench;

import ccotel.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code ./ccotel bench load}: N simulated Claude Code processes against a running ccotel. Each is
 * one user with one session that, like the real exporter, sends metrics every 60 s and logs every 5
 * s (the captured session's requests, re-addressed to its user and re-timed to now), one request in
 * flight, retrying 429/503 after Retry-After (else 1, 2, 4, 8, 16 s) and timeouts after 10 s.
 * Afterwards it waits for the aggregator and checks that the query API reports exactly what the
 * accepted requests carried, counted independently of ccotel's mapper. Then it saturates the ingest
 * path (every client sending back-to-back) to find the throughput ceiling.
 */
final class LoadGenerator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_ATTEMPTS = 6;

  private final URI base;
  private final String ingestToken;
  private final String readToken;
  private final HttpClient http;
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
  private final List<byte[]> metricsTemplates = new ArrayList<>();
  private final List<byte[]> logsTemplates = new ArrayList<>();
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  // What was sent and how it went.
  private final Map<String, Expected> expected = new ConcurrentHashMap<>();
  private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder givenUp = new LongAdder();
  private final List<Long> latenciesMicros =
      java.util.Collections.synchronizedList(new ArrayList<>());

  private LoadGenerator(URI base, String ingestToken, String readToken) {
    this.base = base;
    this.ingestToken = ingestToken;
    this.readToken = readToken;
    this.http =
        HttpClient.newBuilder()
            .executor(Executors.newFixedThreadPool(4))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    BenchFixtures.locate();
    for (Fixtures.CapturedRequest request : Fixtures.requests("protobuf-delta")) {
      (request.path().endsWith("/v1/metrics") ? metricsTemplates : logsTemplates)
          .add(request.body());
    }
  }

  static void run(String[] args, Path results) throws Exception {
    Map<String, String> options = options(args);
    int clients = Integer.parseInt(options.getOrDefault("clients", "100"));
    double minutes = Double.parseDouble(options.getOrDefault("minutes", "1"));
    double speedup = Double.parseDouble(options.getOrDefault("speedup", "1"));
    int saturateSeconds = Integer.parseInt(options.getOrDefault("saturate-seconds", "20"));
    LoadGenerator load;
    if (options.containsKey("endpoint")) {
      load =
          new LoadGenerator(
              URI.create(options.get("endpoint")),
              required(options, "token"),
              required(options, "read-token"));
    } else {
      Path data =
          Paths.get(
              options.getOrDefault(
                  "data",
                  Paths.get(System.getProperty("user.home"), ".ccotel", "local").toString()));
      load = LoadGenerator.againstLocalStack(data);
    }
    ObjectNode report = load.measure(clients, minutes, speedup, saturateSeconds);
    Path file = results.resolve("load-" + clients + "-clients.json");
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    System.out.println("results: " + file);
    if (!report.path("exact").asBoolean()) {
      System.exit(1);
    }
  }

  private static LoadGenerator againstLocalStack(Path data) throws Exception {
    Path runtime = data.resolve("runtime.json");
    if (!Files.exists(runtime)) {
      throw new IllegalStateException(
          "no local stack runs on " + data + "; start one with ./ccotel local --data " + data);
    }
    JsonNode running = JSON.readTree(runtime.toFile());
    JsonNode connection = JSON.readTree(data.resolve("local-connection.json").toFile());
    return new LoadGenerator(
        URI.create("http://127.0.0.1:" + running.path("port").asInt()),
        connection.path("ingestToken").asText(),
        connection.path("readToken").asText());
  }

  private ObjectNode measure(int clients, double minutes, double speedup, int saturateSeconds)
      throws Exception {
    long metricsEveryMillis = (long) (60_000 / speedup);
    long logsEveryMillis = (long) (5_000 / speedup);
    Instant started = Instant.now();
    long end = System.nanoTime() + (long) (minutes * 60e9);
    List<Client> all = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Client client = new Client(i);
      all.add(client);
      // Spread the clients' phases over one interval, as real processes start at random times.
      long offset = (long) (Math.random() * logsEveryMillis);
      timer.scheduleAtFixedRate(
          () -> client.due(false, end), offset, logsEveryMillis, TimeUnit.MILLISECONDS);
      timer.scheduleAtFixedRate(
          () -> client.due(true, end),
          (long) (Math.random() * metricsEveryMillis),
          metricsEveryMillis,
          TimeUnit.MILLISECONDS);
    }
    System.out.printf(
        "load: %d clients for %.1f min (metrics every %d ms, logs every %d ms), run %s%n",
        clients, minutes, metricsEveryMillis, logsEveryMillis, run);
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      System.out.printf(
          "  %s accepted %d, retries %d, in flight %d%n",
          Duration.between(started, Instant.now()).withNanos(0),
          accepted.sum(),
          retries.sum(),
          all.stream().filter(c -> c.busy).count());
    }
    timer.shutdownNow();
    for (Client client : all) {
      client.drain();
    }
    double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
    ObjectNode report = JSON.createObjectNode();
    report.put("clients", clients);
    report.put("minutes", minutes);
    report.put("speedup", speedup);
    report.put("accepted", accepted.sum());
    report.put("acceptedPerSecond", accepted.sum() / seconds);
    report.put("retries", retries.sum());
    report.put("givenUpByClients", givenUp.sum());
    ObjectNode byStatus = report.putObject("statuses");
    new TreeMap<>(statuses).forEach((status, count) -> byStatus.put("" + status, count.sum()));
    percentiles(report.putObject("latencyMillis"));
    System.out.printf(
        "sent: %d accepted (%.1f req/s), %d retried, %d given up; statuses %s; latency %s%n",
        accepted.sum(),
        accepted.sum() / seconds,
        retries.sum(),
        givenUp.sum(),
        byStatus,
        report.path("latencyMillis"));

    Instant waitStarted = Instant.now();
    List<String> mismatches = verify(started);
    report.put(
        "aggregationCatchUpSeconds", Duration.between(waitStarted, Instant.now()).toSeconds());
    report.put("exact", mismatches.isEmpty());
    report.putPOJO("mismatches", mismatches.subList(0, Math.min(20, mismatches.size())));
    System.out.println(
        mismatches.isEmpty()
            ? "exact: every one of " + expected.size() + " users' totals equals what was sent"
            : "NOT EXACT: " + mismatches.size() + " differences, e.g. " + mismatches.get(0));

    if (saturateSeconds > 0) {
      report.put("ceilingRequestsPerSecond", saturate(Math.max(clients, 64), saturateSeconds));
    }
    return report;
  }

  /** Every client sending back-to-back for a while: the most ingest accepts per second. */
  private double saturate(int clients, int seconds) throws Exception {
    LongAdder done = new LongAdder();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    byte[] body = logsTemplates.get(0);
    List<java.util.concurrent.CompletableFuture<Void>> loops = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      loops.add(loop(body, end, done));
    }
    for (var loop : loops) {
      loop.join();
    }
    double perSecond = done.sum() / (double) seconds;
    System.out.printf(
        "ceiling: %d back-to-back clients got %.0f accepted requests/s (the same export repeated:"
            + " counted once)%n",
        clients, perSecond);
    return perSecond;
  }

  private java.util.concurrent.CompletableFuture<Void> loop(byte[] body, long end, LongAdder done) {
    if (System.nanoTime() > end) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    return http.sendAsync(post("/api/otel/v1/logs", body), HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, failure) -> {
              if (failure == null && response.statusCode() == 200) {
                done.increment();
              }
              return null;
            })
        .thenCompose(ignored -> loop(body, end, done));
  }

  /** One simulated Claude Code process: its user, its session, its queue of exports. */
  private final class Client {
    private final String email;
    private final String session = UUID.randomUUID().toString();
    private final java.util.ArrayDeque<Export> pending = new java.util.ArrayDeque<>();
    private int metricsSent;
    private int logsSent;
    private volatile boolean busy;

    Client(int index) {
      this.email = "load-" + run + "-" + index + "@example.com";
    }

    synchronized void due(boolean metrics, long end) {
      if (System.nanoTime() > end) {
        return;
      }
      long now = System.currentTimeMillis() * 1_000_000L;
      Export export =
          metrics
              ? Export.metrics(
                  metricsTemplates.get(metricsSent++ % metricsTemplates.size()),
                  email,
                  session,
                  now)
              : Export.logs(
                  logsTemplates.get(logsSent++ % logsTemplates.size()), email, session, now);
      pending.add(export);
      if (!busy) {
        sendNext();
      }
    }

    private synchronized void sendNext() {
      Export next = pending.poll();
      busy = next != null;
      if (next != null) {
        attempt(next, 1);
      }
    }

    private void attempt(Export export, int attempt) {
      long sentAt = System.nanoTime();
      http.sendAsync(post(export.path(), export.body()), HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, failure) -> {
                latenciesMicros.add((System.nanoTime() - sentAt) / 1000);
                int status = failure == null ? response.statusCode() : 0;
                statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                if (status == 200) {
                  accepted.increment();
                  expected.computeIfAbsent(email, e -> new Expected()).add(export);
                  sendNext();
                } else if ((status == 0 || status == 429 || status == 503)
                    && attempt < MAX_ATTEMPTS) {
                  retries.increment();
                  long delay =
                      failure == null
                          ? response
                              .headers()
                              .firstValue("Retry-After")
                              .map(v -> Long.parseLong(v.trim()) * 1000)
                              .orElse(1000L << (attempt - 1))
                          : 1000L << (attempt - 1);
                  timer.schedule(() -> attempt(export, attempt + 1), delay, TimeUnit.MILLISECONDS);
                } else {
                  givenUp.increment();
                  sendNext();
                }
              });
    }

    /** Waits for the last export in hand (or given up) after the run ends. */
    void drain() throws InterruptedException {
      for (int i = 0; i < 600 && (busy || !pending.isEmpty()); i++) {
        Thread.sleep(100);
      }
    }
  }

  private HttpRequest post(String path, byte[] body) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/x-protobuf")
        .header("Authorization", "Bearer " + ingestToken)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /**
   * Polls the query API until every user's totals match. A backlog may take the aggregator a while,
   * so it gives up only once the counts stop moving for 30 s (or after 15 minutes).
   */
  private List<String> verify(Instant started) throws Exception {
    List<String> mismatches = List.of("no answer yet");
    Instant giveUp = Instant.now().plus(Duration.ofMinutes(15));
    Instant lastProgress = Instant.now();
    Object lastCounted = null;
    while (true) {
      Map<String, Expected> found = readUsage(started);
      mismatches = compare(found);
      Object counted = new TreeMap<>(found).toString();
      if (!counted.equals(lastCounted)) {
        lastCounted = counted;
        lastProgress = Instant.now();
      }
      Instant now = Instant.now();
      if (mismatches.isEmpty()
          || now.isAfter(giveUp)
          || now.isAfter(lastProgress.plus(Duration.ofSeconds(30)))) {
        return mismatches;
      }
      Thread.sleep(500);
    }
  }

  private Map<String, Expected> readUsage(Instant started) throws Exception {
    LocalDate from = LocalDate.ofInstant(started, ZoneOffset.UTC);
    LocalDate to = LocalDate.now(ZoneOffset.UTC);
    Map<String, Expected> found = new HashMap<>();
    String page = null;
    do {
      String query =
          "/api/usage/claude_code?starting_at="
              + from
              + "&ending_at="
              + to
              + "&limit=1000"
              + (page == null ? "" : "&page=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
      HttpResponse<byte[]> answer =
          http.send(
              HttpRequest.newBuilder(base.resolve(query))
                  .header("Authorization", "Bearer " + readToken)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      JsonNode body = JSON.readTree(answer.body());
      for (JsonNode record : body.path("data")) {
        String email = record.at("/actor/email_address").asText();
        if (email.startsWith("load-" + run + "-")) {
          found.computeIfAbsent(email, e -> new Expected()).add(record);
        }
      }
      page = body.path("has_more").asBoolean() ? body.path("next_page").asText() : null;
    } while (page != null);
    return found;
  }

  private List<String> compare(Map<String, Expected> found) {
    List<String> differences = new ArrayList<>();
    for (Map.Entry<String, Expected> sent : expected.entrySet()) {
      Expected got = found.getOrDefault(sent.getKey(), new Expected());
      if (!sent.getValue().totals.equals(got.totals)) {
        differences.add(
            sent.getKey() + ": sent " + sent.getValue().totals + ", counted " + got.totals);
      }
    }
    for (String email : found.keySet()) {
      if (!expected.containsKey(email)) {
        differences.add(email + ": counted but nothing was accepted for it");
      }
    }
    return differences;
  }

  private void percentiles(ObjectNode into) {
    long[] sorted;
    synchronized (latenciesMicros) {
      sorted = latenciesMicros.stream().mapToLong(Long::longValue).toArray();
    }
    Arrays.sort(sorted);
    if (sorted.length == 0) {
      return;
    }
    for (double p : new double[] {50, 90, 99, 99.9}) {
      into.put(
          "p" + p,
          sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]
              / 1000.0);
    }
    into.put("max", sorted[sorted.length - 1] / 1000.0);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required with --endpoint");
    }
    return value;
  }

  /** Per-user totals, from what was sent or from what the query API answers. */
  static final class Expected {
    final Map<String, Long> totals = new TreeMap<>();
    private final Map<String, Long> sent = new TreeMap<>();

    @Override
    public synchronized String toString() {
      return totals.toString();
    }

    /**
     * Adds an accepted export. Tokens per model come from the metrics if any token or cost point
     * arrived for that model, else from api_request events (CONTRACT §4).
     */
    synchronized void add(Export export) {
      export.totals().forEach((name, amount) -> sent.merge(name, amount, Long::sum));
      totals.clear();
      sent.forEach(
          (name, amount) -> {
            if (name.startsWith("mtokens.") || name.startsWith("etokens.")) {
              String rest = name.substring("mtokens.".length());
              String model = rest.substring(0, rest.lastIndexOf('.'));
              boolean fromMetrics = sent.containsKey("mpoints." + model);
              if (fromMetrics == name.startsWith("mtokens.")) {
                merge("tokens." + rest, amount);
              }
            } else if (!name.startsWith("mpoints.")) {
              merge(name, amount);
            }
          });
    }

    synchronized void add(JsonNode record) {
      JsonNode core = record.path("core_metrics");
      merge("sessions", core.path("num_sessions").asLong());
      merge("lines.added", core.at("/lines_of_code/added").asLong());
      merge("lines.removed", core.at("/lines_of_code/removed").asLong());
      merge("commits", core.path("commits_by_claude_code").asLong());
      merge("prompts", record.at("/ccotel/prompts").asLong());
      for (JsonNode model : record.path("model_breakdown")) {
        String name = model.path("model").asText();
        for (String type : List.of("input", "output", "cache_read", "cache_creation")) {
          merge("tokens." + name + "." + type, model.path("tokens").path(type).asLong());
        }
      }
    }

    private void merge(String name, long amount) {
      if (amount != 0) {
        totals.merge(name, amount, Long::sum);
      }
    }
  }

  /** One export as the client sends it, with what it carries, read without ccotel's code. */
  record Export(String path, byte[] body, Map<String, Long> totals) {

    static Export metrics(byte[] template, String email, String session, long nowNanos) {
      try {
        ExportMetricsServiceRequest.Builder request =
            ExportMetricsServiceRequest.parseFrom(template).toBuilder();
        Map<String, Long> totals = new HashMap<>();
        for (var resource : request.getResourceMetricsBuilderList()) {
          readdress(resource.getResourceBuilder().getAttributesBuilderList(), email, session);
          for (var scope : resource.getScopeMetricsBuilderList()) {
            for (var metric : scope.getMetricsBuilderList()) {
              if (!metric.hasSum()) {
                continue;
              }
              for (var point : metric.getSumBuilder().getDataPointsBuilderList()) {
                readdress(point.getAttributesBuilderList(), email, session);
                point.setTimeUnixNano(nowNanos);
                long value = point.hasAsInt() ? point.getAsInt() : Math.round(point.getAsDouble());
                String type = attribute(point.getAttributesList(), "type");
                String model = attribute(point.getAttributesList(), "model");
                String name =
                    switch (metric.getName()) {
                      case "claude_code.session.count" -> "sessions";
                      case "claude_code.commit.count" -> "commits";
                      case "claude_code.lines_of_code.count" -> "lines." + type;
                      case "claude_code.token.usage" -> "mtokens." + model + "." + tokenType(type);
                      default -> null;
                    };
                if (name != null) {
                  totals.merge(name, value, Long::sum);
                }
                if (metric.getName().equals("claude_code.token.usage")
                    || metric.getName().equals("claude_code.cost.usage")) {
                  totals.merge("mpoints." + model, 1L, Long::sum);
                }
              }
            }
          }
        }
        return new Export("/api/otel/v1/metrics", request.build().toByteArray(), totals);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }

    static Export logs(byte[] template, String email, String session, long nowNanos) {
      try {
        ExportLogsServiceRequest.Builder request =
            ExportLogsServiceRequest.parseFrom(template).toBuilder();
        Map<String, Long> totals = new HashMap<>();
        for (var resource : request.getResourceLogsBuilderList()) {
          readdress(resource.getResourceBuilder().getAttributesBuilderList(), email, session);
          for (var scope : resource.getScopeLogsBuilderList()) {
            for (var record : scope.getLogRecordsBuilderList()) {
              readdress(record.getAttributesBuilderList(), email, session);
              record.setTimeUnixNano(nowNanos).setObservedTimeUnixNano(nowNanos);
              var attributes = record.getAttributesList();
              switch (attribute(attributes, "event.name")) {
                case "user_prompt" -> totals.merge("prompts", 1L, Long::sum);
                case "api_request" -> {
                  String model = attribute(attributes, "model");
                  for (String type : List.of("input", "output", "cache_read", "cache_creation")) {
                    String text = attribute(attributes, type + "_tokens");
                    if (!text.isEmpty()) {
                      totals.merge(
                          "etokens." + model + "." + type,
                          (long) Double.parseDouble(text),
                          Long::sum);
                    }
                  }
                }
                default -> {}
              }
            }
          }
        }
        return new Export("/api/otel/v1/logs", request.build().toByteArray(), totals);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }

    private static String tokenType(String type) {
      return switch (type) {
        case "cacheRead" -> "cache_read";
        case "cacheCreation" -> "cache_creation";
        default -> type;
      };
    }

    private static void readdress(
        List<io.opentelemetry.proto.common.v1.KeyValue.Builder> attributes,
        String email,
        String session) {
      for (var attribute : attributes) {
        switch (attribute.getKey()) {
          case "user.email" -> attribute.getValueBuilder().setStringValue(email);
          case "session.id" -> attribute.getValueBuilder().setStringValue(session);
          case "user.account_uuid", "user.id" ->
              attribute.getValueBuilder().setStringValue(email + "-" + attribute.getKey());
          default -> {}
        }
      }
    }

    private static String attribute(
        List<io.opentelemetry.proto.common.v1.KeyValue> attributes, String key) {
      for (var attribute : attributes) {
        if (attribute.getKey().equals(key)) {
          var value = attribute.getValue();
          return switch (value.getValueCase()) {
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            default -> value.getStringValue();
          };
        }
      }
      return "";
    }
  }
}
