package ccotel.bench;

import ccotel.auth.ConnectionAdmin;
import ccotel.config.Config;
import ccotel.dynamodb.DynamoDbConnectionRegistry;
import ccotel.dynamodb.DynamoDbTables;
import ccotel.embedded.EmbeddedDynamoDb;
import ccotel.embedded.EmbeddedSqs;
import ccotel.ingest.QueuedExport;
import ccotel.sqs.SqsExportMessages;
import ccotel.testing.Fixtures;
import ccotel.testing.QueuedExports;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./ccotel bench coldstart}: for each handler, a fresh JVM on the shaded Lambda jar, its
 * environment pointing at DynamoDB Local and ElasticMQ started here, measuring JVM start → handler
 * constructed → first event handled. Several runs, median; per JVM flag set and JDK found. For the
 * two SnapStart functions also with their priming hook run first: how long the first event then
 * takes is what the first request after a restore from a primed snapshot waits.
 */
final class ColdStart {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ColdStart() {}

  static void run(String[] args, Path results) throws Exception {
    int runs = args.length >= 2 && args[0].equals("--runs") ? Integer.parseInt(args[1]) : 5;
    Path root = Paths.get(System.getProperty("ccotel.root", ".")).toAbsolutePath();
    Path jar = lambdaJar(root);
    Path benchJar = root.resolve("bench/target/ccotel-bench.jar");
    try (EmbeddedDynamoDb dynamoDb = EmbeddedDynamoDb.startInMemory();
        EmbeddedSqs sqs = EmbeddedSqs.startInMemory()) {
      String queueUrl = sqs.client().createQueue(b -> b.queueName("cold-start")).queueUrl();
      Map<String, String> env = new HashMap<>();
      env.put(Config.USAGE_TABLE, "cold-usage");
      env.put(Config.TOKENS_TABLE, "cold-tokens");
      env.put(Config.CONNECTIONS_TABLE, "cold-connections");
      env.put(Config.STATE_TABLE, "cold-state");
      env.put(Config.INGEST_QUEUE_URL, queueUrl);
      Config config = Config.fromEnv(env);
      DynamoDbTables.createIfMissing(dynamoDb.client(), config);
      ConnectionAdmin.NewConnection connection =
          new ConnectionAdmin(
                  new DynamoDbConnectionRegistry(
                      dynamoDb.client(),
                      config.tokensTable(),
                      config.connectionsTable(),
                      Clock.systemUTC()),
                  Clock.systemUTC())
              .create("cold-start");
      // The SDK reads these like the Lambda runtime's own variables.
      env.put("AWS_REGION", "us-east-1");
      env.put("AWS_ACCESS_KEY_ID", "local");
      env.put("AWS_SECRET_ACCESS_KEY", "local");
      env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
      env.put("AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString());

      Fixtures.CapturedRequest metrics = BenchFixtures.request("protobuf-delta", "0003-metrics");
      QueuedExport queued = QueuedExports.metrics(connection.connection().id(), metrics.body());
      Map<String, Path> inputs = new HashMap<>();
      inputs.put(
          "ingest",
          write(
              connection.ingestToken().value(),
              Base64.getEncoder().encodeToString(metrics.body())));
      inputs.put("query", write(connection.readToken().value()));
      Map<String, String> attributes = SqsExportMessages.attributes(queued);
      inputs.put(
          "aggregator",
          write(
              SqsExportMessages.body(queued),
              attributes.get(SqsExportMessages.CONNECTION),
              attributes.get(SqsExportMessages.SIGNAL),
              attributes.get(SqsExportMessages.DELIVERY),
              attributes.get(SqsExportMessages.RECEIVED_AT)));

      ObjectNode report = JSON.createObjectNode();
      report.put("runs", runs);
      report.put("cpus", Runtime.getRuntime().availableProcessors());
      System.out.printf(
          "cold start: JVM start -> handler ready -> first event handled, median of %d, ms%n",
          runs);
      for (Map.Entry<String, String> jvm : jvms().entrySet()) {
        for (List<String> flags : List.of(List.<String>of(), List.of("-XX:TieredStopAtLevel=1"))) {
          String variant = jvm.getKey() + (flags.isEmpty() ? "" : " " + String.join(" ", flags));
          ObjectNode byHandler = report.putObject(variant);
          for (String handler : List.of("ingest", "query", "aggregator")) {
            ObjectNode node = byHandler.putObject(handler);
            long[] plain =
                medians(runs, jvm.getValue(), flags, jar, benchJar, handler, inputs, env, false);
            node.put("readyMs", plain[0])
                .put("firstEventMs", plain[1])
                .put("firstEventAfterReadyMs", plain[2]);
            System.out.printf(
                "  %-38s %-10s ready %5d   first event %5d (%4d after ready)",
                variant, handler, plain[0], plain[1], plain[2]);
            if (!handler.equals("aggregator")) { // the two functions with SnapStart
              long[] primed =
                  medians(runs, jvm.getValue(), flags, jar, benchJar, handler, inputs, env, true);
              node.putObject("primed")
                  .put("primingMs", primed[1] - primed[2] - primed[0])
                  .put("firstEventAfterPrimingMs", primed[2]);
              System.out.printf(
                  "   primed: priming %4d, first event %4d after it",
                  primed[1] - primed[2] - primed[0], primed[2]);
            }
            System.out.println();
          }
        }
      }
      Path file = results.resolve("coldstart.json");
      Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
      System.out.println("results: " + file);
    }
  }

  /** Medians over {@code runs} fresh JVMs: ready, first event, first event after ready. */
  private static long[] medians(
      int runs,
      String java,
      List<String> flags,
      Path jar,
      Path benchJar,
      String handler,
      Map<String, Path> inputs,
      Map<String, String> env,
      boolean primed)
      throws Exception {
    List<List<Long>> samples = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < runs; i++) {
      long[] measured = once(java, flags, jar, benchJar, handler, inputs.get(handler), env, primed);
      for (int k = 0; k < 3; k++) {
        samples.get(k).add(measured[k]);
      }
    }
    return new long[] {median(samples.get(0)), median(samples.get(1)), median(samples.get(2))};
  }

  private static long[] once(
      String java,
      List<String> flags,
      Path jar,
      Path benchJar,
      String handler,
      Path input,
      Map<String, String> env,
      boolean primed)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(flags);
    command.add("-cp");
    command.add(jar + File.pathSeparator + benchJar);
    command.add(FirstInvocation.class.getName());
    command.add(handler);
    command.add(input.toString());
    if (primed) {
      command.add("primed");
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0 || !output.contains("init ")) {
      throw new IllegalStateException(handler + " did not start:\n" + output);
    }
    String line = output.lines().filter(l -> l.startsWith("init ")).findFirst().orElseThrow();
    String[] parts = line.split(" ");
    if (!parts[7].equals("200") && !parts[7].equals("ok")) {
      throw new IllegalStateException(handler + " failed its first event: " + line);
    }
    return new long[] {
      Long.parseLong(parts[1]), Long.parseLong(parts[3]), Long.parseLong(parts[5])
    };
  }

  /** This JDK, and the Temurin 25 one if the machine has it (Lambda offers java21 and java25). */
  private static Map<String, String> jvms() {
    Map<String, String> jvms = new java.util.LinkedHashMap<>();
    jvms.put(
        "java " + Runtime.version().feature(),
        Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    Path temurin25 = Paths.get("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    if (Files.isExecutable(temurin25) && Runtime.version().feature() != 25) {
      jvms.put("java 25", temurin25.toString());
    }
    return jvms;
  }

  private static Path lambdaJar(Path root) throws Exception {
    try (var files = Files.list(root.resolve("functions/lambda/target"))) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-lambda.jar"))
          .findFirst()
          .orElseThrow(
              () -> new IllegalStateException("no Lambda jar: run mvn -DskipTests package"));
    }
  }

  private static Path write(String... lines) throws Exception {
    Path file = Files.createTempFile("ccotel-cold-start", ".txt");
    file.toFile().deleteOnExit();
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    return file;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
