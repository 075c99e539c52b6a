package ccotel.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.services.sqs.Queue;

/**
 * Synthesizes the app as `cdk synth` would, in-process (the jsii runtime needs node on PATH), with
 * cdk.json's context. The surefire configuration removes AWS credentials and CDK_DEFAULT_* from the
 * environment.
 */
class CcotelStackTest {

  private static final Map<String, Object> CDK_JSON_CONTEXT = readCdkJsonContext();

  @TempDir Path cdkOut;

  private App app() {
    return app(Map.of(CcotelApp.FUNCTIONS_ASSET_CONTEXT, fakeJar().toString()));
  }

  /** Synthesis only hashes and copies the jar: any file will do, so the tests need no build. */
  private Path fakeJar() {
    try {
      Path jar = cdkOut.resolveSibling(cdkOut.getFileName() + "-functions.jar");
      Files.write(jar, new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0});
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private App app(Map<String, Object> extraContext) {
    Map<String, Object> context = new HashMap<>(CDK_JSON_CONTEXT);
    context.putAll(extraContext);
    return App.Builder.create().outdir(cdkOut.toString()).context(context).build();
  }

  /** The feature flags of cdk.json, which the CLI would pass to the app. */
  private static Map<String, Object> readCdkJsonContext() {
    try {
      ObjectMapper json = new ObjectMapper();
      JsonNode context = json.readTree(Path.of("cdk.json").toFile()).path("context");
      return json.convertValue(context, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void passesTheAwsSolutionsChecks() {
    CcotelStack stack = CcotelApp.define(app());

    // Fails listing every cdk-nag error found.
    Annotations.fromStack(stack).hasNoError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
  }

  @Test
  void failsSynthesisOnAwsSolutionsViolations() throws IOException {
    App app = app();
    CcotelStack stack = CcotelApp.define(app);
    // No dead-letter queue (SQS3), no SSL enforcement (SQS4): proves the checks are applied.
    // cdk.json's @aws-cdk/core:annotationsInValidationReport turns their errors into a failed
    // synthesis, as in `cdk synth` (the report is printed: expected in this test's output).
    new Queue(stack, "NonCompliantQueue");

    RuntimeException failure = assertThrows(RuntimeException.class, app::synth);

    assertTrue(failure.getMessage().contains("Validation failed"), failure.getMessage());
    String report = Files.readString(cdkOut.resolve("validation-report.json"));
    assertTrue(report.contains("AwsSolutions-SQS3"), report);
    assertTrue(report.contains("AwsSolutions-SQS4"), report);
  }

  @Test
  void isEnvironmentAgnosticSoSynthesisNeedsNoAwsAccount() throws IOException {
    App app = app();
    CcotelStack stack = CcotelApp.define(app);

    CloudAssembly assembly = app.synth();

    assertTrue(Token.isUnresolved(stack.getAccount()), stack.getAccount());
    assertTrue(Token.isUnresolved(stack.getRegion()), stack.getRegion());
    assertTrue(cdkOut.resolve("Ccotel.template.json").toFile().isFile());
    // The file samconfig.toml reads is this stack's template: its three functions, among them.
    ObjectMapper json = new ObjectMapper();
    JsonNode written = json.readTree(cdkOut.resolve("Ccotel.template.json").toFile());
    assertEquals(
        json.valueToTree(assembly.getStackByName(CcotelApp.STACK_ID).getTemplate()), written);
    Map<String, Integer> functions = new HashMap<>();
    written
        .get("Resources")
        .properties()
        .forEach(
            resource -> {
              JsonNode handler = resource.getValue().path("Properties").path("Handler");
              if (resource.getValue().get("Type").asText().equals("AWS::Lambda::Function")
                  && handler.asText().startsWith("ccotel.lambda.")) {
                functions.merge(handler.asText(), 1, Integer::sum);
              }
            });
    assertEquals(
        Map.of(
            "ccotel.lambda.AlertHandler::handleRequest", 1,
            "ccotel.lambda.IngestHandler::handleRequest", 1,
            "ccotel.lambda.AggregatorHandler::handleRequest", 1,
            "ccotel.lambda.QueryHandler::handleRequest", 1),
        functions);
  }

  @Test
  void samconfig_pointsSamAtTheTemplateSynthesisWrites_andEveryEventFileExists()
      throws IOException {
    String samconfig = Files.readString(Path.of("..", "samconfig.toml"));
    String template = "infra-cdk/cdk.out/" + CcotelApp.STACK_ID + ".template.json";
    assertTrue(samconfig.contains("[default.local_invoke.parameters]"), samconfig);
    assertTrue(samconfig.contains("[default.local_start_api.parameters]"), samconfig);
    assertEquals(2, samconfig.split("template_file = \"" + template + "\"", -1).length - 1);
    // The README's sam commands name these events; the handler tests load the same files.
    for (String event :
        new String[] {
          "ingest/metrics-protobuf.json",
          "ingest/metrics-json.json",
          "ingest/logs-protobuf.json",
          "query/usage-day.json",
          "aggregator/sqs-batch.json"
        }) {
      assertTrue(Files.isRegularFile(Path.of("..", "events", event)), event);
    }
  }

  @Test
  void readsTheFunctionsAssetFromContext() {
    String jar = fakeJar().toString();

    assertEquals(
        jar,
        CcotelApp.define(app(Map.of(CcotelApp.FUNCTIONS_ASSET_CONTEXT, jar)))
            .props()
            .functionsAssetPath());
  }

  @Test
  void withoutContext_readsTheJarTheBuildNames_orSaysHowToNameIt() {
    String jar = fakeJar().toString();
    System.setProperty(CcotelApp.FUNCTIONS_ASSET_PROPERTY, jar);
    try {
      assertEquals(jar, CcotelApp.define(app(Map.of())).props().functionsAssetPath());
    } finally {
      System.clearProperty(CcotelApp.FUNCTIONS_ASSET_PROPERTY);
    }
    IllegalStateException missing =
        assertThrows(IllegalStateException.class, () -> CcotelApp.define(app(Map.of())));
    assertTrue(missing.getMessage().contains("-c functionsAsset=PATH"), missing.getMessage());
  }

  /** The app defined with {@code context} and a functions jar. */
  private CcotelStack defineWith(Map<String, Object> context) {
    Map<String, Object> all = new HashMap<>(context);
    all.put(CcotelApp.FUNCTIONS_ASSET_CONTEXT, fakeJar().toString());
    return CcotelApp.define(app(all));
  }

  @Test
  void theStoppedSendingAlarmsHours_comeFromContext_andNonsenseIsRefused() {
    CcotelStack stack = defineWith(Map.of(CcotelApp.SILENCE_ALARM_HOURS_CONTEXT, "72"));

    assertEquals(72, stack.props().silenceAlarmHours());
    JsonNode alarms =
        new ObjectMapper()
            .valueToTree(Template.fromStack(stack).findResources("AWS::CloudWatch::Alarm"));
    JsonNode silence = null;
    for (Map.Entry<String, JsonNode> alarm : alarms.properties()) {
      if (alarm.getKey().startsWith("ExportsStoppedAlarm")) {
        silence = alarm.getValue().path("Properties");
      }
    }
    assertEquals(72, silence.path("EvaluationPeriods").asInt(), String.valueOf(silence));
    for (String nonsense : List.of("0", "169", "-3", "a day")) {
      IllegalArgumentException refused =
          assertThrows(
              IllegalArgumentException.class,
              () -> defineWith(Map.of(CcotelApp.SILENCE_ALARM_HOURS_CONTEXT, nonsense)));
      assertTrue(refused.getMessage().toLowerCase().contains("hours"), refused.getMessage());
    }
  }

  @Test
  void theCeiling_ratesAndAggregatorConcurrency_comeFromContext_andNonsenseIsRefused() {
    CcotelStack stack =
        defineWith(
            Map.of(
                CcotelApp.INGEST_RATE_LIMIT_CONTEXT, "25000",
                CcotelApp.INGEST_BURST_LIMIT_CONTEXT, "50000",
                CcotelApp.AGGREGATOR_CONCURRENCY_CONTEXT, "200"));

    Template template = Template.fromStack(stack);
    JsonNode stages =
        new ObjectMapper().valueToTree(template.findResources("AWS::ApiGatewayV2::Stage"));
    JsonNode throttle = stages.elements().next().path("Properties").path("DefaultRouteSettings");
    assertEquals(25000, throttle.path("ThrottlingRateLimit").asInt(), String.valueOf(stages));
    assertEquals(50000, throttle.path("ThrottlingBurstLimit").asInt(), String.valueOf(stages));
    JsonNode mappings =
        new ObjectMapper().valueToTree(template.findResources("AWS::Lambda::EventSourceMapping"));
    List<Integer> concurrencies = new ArrayList<>();
    mappings.forEach(
        mapping ->
            concurrencies.add(
                mapping
                    .path("Properties")
                    .path("ScalingConfig")
                    .path("MaximumConcurrency")
                    .asInt()));
    assertTrue(concurrencies.contains(200), String.valueOf(mappings));
    for (Map.Entry<String, String> nonsense :
        List.of(
            Map.entry(CcotelApp.INGEST_RATE_LIMIT_CONTEXT, "0"),
            Map.entry(CcotelApp.INGEST_BURST_LIMIT_CONTEXT, "lots"),
            Map.entry(CcotelApp.AGGREGATOR_CONCURRENCY_CONTEXT, "1"),
            Map.entry(CcotelApp.AGGREGATOR_CONCURRENCY_CONTEXT, "1001"))) {
      assertThrows(
          IllegalArgumentException.class,
          () -> defineWith(Map.of(nonsense.getKey(), nonsense.getValue())),
          nonsense.toString());
    }
  }
}
