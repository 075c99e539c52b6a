package ccotel.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.config.Config;
import ccotel.embedded.EmbeddedAws;
import ccotel.testing.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded Lambda jar itself, as deployed: in a JVM with only it on the classpath, the ingest and
 * aggregator handlers built by their no-arg constructors handle a sample export against DynamoDB
 * Local and ElasticMQ; what the trimming left out is never missed, the SDK's SLF4J finds its
 * binding (no "SLF4J:" notice on stderr), and the metrics lines reach stdout.
 */
class LambdaJarIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  @Test
  void shadedJar_handlesAnExport_withItsLoggingBinding_andPrintsMetrics() throws Exception {
    AwsTestStack stack = new AwsTestStack(AWS);
    SampleConnection.register(stack);
    APIGatewayV2HTTPEvent sample =
        EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-protobuf.json");
    Path stdout = Files.createTempFile("lambda-jar", ".out");
    Path stderr = Files.createTempFile("lambda-jar", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                lambdaJar() + File.pathSeparator + testClass(LambdaJarMain.class),
                LambdaJarMain.class.getName(),
                "application/x-protobuf",
                sample.getBody())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    builder.environment().put(Config.USAGE_TABLE, stack.config.usageTable());
    builder.environment().put(Config.TOKENS_TABLE, stack.config.tokensTable());
    builder.environment().put(Config.CONNECTIONS_TABLE, stack.config.connectionsTable());
    builder.environment().put(Config.STATE_TABLE, stack.config.stateTable());
    builder.environment().put(Config.INGEST_QUEUE_URL, stack.config.ingestQueueUrl());
    builder.environment().put("AWS_REGION", "us-east-1");
    builder.environment().put("AWS_ACCESS_KEY_ID", "local");
    builder.environment().put("AWS_SECRET_ACCESS_KEY", "local");
    builder.environment().put("AWS_ENDPOINT_URL_DYNAMODB", AWS.dynamoDb().endpoint().toString());
    builder.environment().put("AWS_ENDPOINT_URL_SQS", AWS.sqs().endpoint().toString());
    Process process = builder.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the handlers did not finish");

    String out = Files.readString(stdout, StandardCharsets.UTF_8);
    String err = Files.readString(stderr, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), out + err);
    assertFalse(err.contains("SLF4J"), err);
    List<String> lines = out.lines().toList();
    assertTrue(lines.contains("ingest 200"), out);
    assertTrue(lines.contains("aggregate 1 failed 0"), out);
    for (String[] served :
        List.of(
            new String[] {"/", "/ccotel/web/index.html"},
            new String[] {"/assets/dashboard.js", "/ccotel/web/dashboard.js"},
            new String[] {
              "/assets/uplot.js", "/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js"
            })) {
      assertTrue(
          lines.contains("GET " + served[0] + " 200 " + resourceSize(served[1])), served[0] + out);
    }
    List<JsonNode> metrics =
        lines.stream().filter(line -> line.startsWith("{\"_aws\"")).map(LambdaJarIT::json).toList();
    assertEquals(2, metrics.size(), out);
    assertEquals(1, metrics.get(0).get("ExportsAccepted").asInt());
    assertEquals(1, metrics.get(1).get("PartsCounted").asInt());
    assertEquals(0, metrics.get(1).get("MessageFailures").asInt());
  }

  private static int resourceSize(String path) throws IOException {
    try (java.io.InputStream in = LambdaJarIT.class.getResourceAsStream(path)) {
      return in.readAllBytes().length;
    }
  }

  private static JsonNode json(String line) {
    return Json.read(line.getBytes(StandardCharsets.UTF_8));
  }

  /** The jar the shade plugin attached in the package phase, which runs before this test. */
  private static Path lambdaJar() throws IOException {
    try (Stream<Path> files = Files.list(Paths.get("target"))) {
      return files
          .filter(file -> file.getFileName().toString().endsWith("-lambda.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no Lambda jar in target/: run package"))
          .toAbsolutePath();
    }
  }

  /**
   * A directory with only {@code type}'s class (and SampleConnection's), not the test classpath.
   */
  private static Path testClass(Class<?> type) throws Exception {
    Path dir = Files.createTempDirectory("lambda-jar-main");
    for (Class<?> c : List.of(type, SampleConnection.class)) {
      String file = c.getName().replace('.', '/') + ".class";
      Path target = dir.resolve(file);
      Files.createDirectories(target.getParent());
      Files.copy(Paths.get("target", "test-classes", file), target);
    }
    return dir;
  }
}
