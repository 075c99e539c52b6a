package ccotel.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.cloudwatch.EmfServiceMetrics;
import ccotel.config.Config;
import ccotel.dynamodb.DynamoDbTables;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * What must not break in the synthesized template: routes and their functions, the event source,
 * the queues, the tables, the functions' environment against their Config, and each function's IAM
 * actions. Synthesized once, read as JSON.
 */
class CcotelTemplateTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path cdkOut;
  private static JsonNode resources;
  private static JsonNode outputs;

  @BeforeAll
  static void synthesize() throws IOException {
    Map<String, Object> context =
        new HashMap<>(
            JSON.convertValue(
                JSON.readTree(Path.of("cdk.json").toFile()).path("context"),
                new TypeReference<Map<String, Object>>() {}));
    Path jar = cdkOut.resolve("functions.jar");
    Files.write(jar, new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0});
    context.put(CcotelApp.FUNCTIONS_ASSET_CONTEXT, jar.toString());
    App app =
        App.Builder.create().outdir(cdkOut.resolve("out").toString()).context(context).build();
    JsonNode template = JSON.valueToTree(Template.fromStack(CcotelApp.define(app)).toJSON());
    resources = template.path("Resources");
    outputs = template.path("Outputs");
  }

  @Test
  void routes_goToThePublishedVersionOfTheirFunction() {
    Map<String, String> expected =
        Map.of(
            "POST /api/otel/v1/metrics", "IngestFunction",
            "POST /api/otel/v1/logs", "IngestFunction",
            "GET /api/usage/claude_code", "QueryFunction",
            "GET /api/usage/claude_code/summary", "QueryFunction",
            "GET /api/usage/claude_code/status", "QueryFunction",
            "GET /healthz", "QueryFunction",
            "GET /", "QueryFunction",
            "GET /assets/{proxy+}", "QueryFunction");
    Map<String, String> actual = new HashMap<>();
    for (JsonNode route : ofType("AWS::ApiGatewayV2::Route")) {
      String integrationId =
          route.at("/Properties/Target/Fn::Join/1/1/Ref").asText(); // "integrations/" + id
      String version = resources.path(integrationId).at("/Properties/IntegrationUri/Ref").asText();
      String function = resources.path(version).at("/Properties/FunctionName/Ref").asText();
      actual.put(route.at("/Properties/RouteKey").asText(), logicalIdPrefix(function));
    }
    assertEquals(expected, actual);
    assertEquals(
        "ccotel.lambda.IngestHandler::handleRequest",
        function("IngestFunction").at("/Properties/Handler").asText());
    assertEquals(
        "ccotel.lambda.QueryHandler::handleRequest",
        function("QueryFunction").at("/Properties/Handler").asText());
    assertEquals(
        "ccotel.lambda.AggregatorHandler::handleRequest",
        function("AggregatorFunction").at("/Properties/Handler").asText());
  }

  @Test
  void api_isThrottledAndLogsWithoutHeaders() {
    JsonNode stage = only("AWS::ApiGatewayV2::Stage").path("Properties");
    assertEquals("$default", stage.path("StageName").asText());
    assertEquals(
        CcotelStackProps.DEFAULT_RATE_LIMIT,
        stage.at("/DefaultRouteSettings/ThrottlingRateLimit").asInt());
    assertEquals(
        CcotelStackProps.DEFAULT_BURST_LIMIT,
        stage.at("/DefaultRouteSettings/ThrottlingBurstLimit").asInt());
    String format = stage.at("/AccessLogSettings/Format").asText();
    assertTrue(format.contains("$context.status"), format);
    assertFalse(format.toLowerCase().contains("authorization"), "tokens stay out of logs");
  }

  @Test
  void aggregator_readsTheQueueInBatches_reportingItemFailures() {
    List<JsonNode> mappings = new ArrayList<>();
    for (JsonNode each : ofType("AWS::Lambda::EventSourceMapping")) {
      if (logicalIdPrefix(each.at("/Properties/FunctionName/Ref").asText())
          .equals("AggregatorFunction")) {
        mappings.add(each);
      }
    }
    assertEquals(1, mappings.size());
    JsonNode mapping = mappings.get(0).path("Properties");
    assertEquals("[\"ReportBatchItemFailures\"]", mapping.path("FunctionResponseTypes").toString());
    assertEquals(1000, mapping.path("BatchSize").asInt());
    assertEquals(300, mapping.path("MaximumBatchingWindowInSeconds").asInt());
    assertEquals("AggregatorFunction", logicalIdPrefix(mapping.at("/FunctionName/Ref").asText()));
    assertEquals(
        "IngestQueue", logicalIdPrefix(mapping.at("/EventSourceArn/Fn::GetAtt/0").asText()));
  }

  @Test
  void ingestQueue_hasADeadLetterQueue_andAVisibilityTimeoutOfSixAggregatorTimeouts() {
    JsonNode queue = resource("IngestQueue").path("Properties");
    assertEquals(5, queue.at("/RedrivePolicy/maxReceiveCount").asInt());
    assertEquals(
        "IngestDeadLetterQueue",
        logicalIdPrefix(queue.at("/RedrivePolicy/deadLetterTargetArn/Fn::GetAtt/0").asText()));
    int aggregatorTimeout = function("AggregatorFunction").at("/Properties/Timeout").asInt();
    assertTrue(
        queue.path("VisibilityTimeout").asInt() >= 6 * aggregatorTimeout,
        queue.path("VisibilityTimeout") + " < 6 × " + aggregatorTimeout);
    for (String id : List.of("IngestQueue", "IngestDeadLetterQueue")) {
      assertTrue(resource(id).at("/Properties/SqsManagedSseEnabled").asBoolean(), id);
    }
  }

  @Test
  void deliveryRecords_outliveEveryMessageThatMayStillBeDelivered() {
    // A message may sit in the dead-letter queue for its whole retention, then be replayed into
    // the ingest queue and wait there for its retention: its delivery id must still be known.
    long deadLetter =
        resource("IngestDeadLetterQueue").at("/Properties/MessageRetentionPeriod").asLong();
    long ingest = resource("IngestQueue").at("/Properties/MessageRetentionPeriod").asLong();
    assertEquals(14 * 86_400, deadLetter);
    assertEquals(4 * 86_400, ingest);
    assertTrue(
        Config.DEFAULT_DELIVERY_RETENTION_DAYS * 86_400L >= deadLetter + ingest,
        Config.DEFAULT_DELIVERY_RETENTION_DAYS + " days");
  }

  @Test
  void tables_areOnDemand_recoverable_protected_andKeyedAsTheAdaptersExpect() {
    Map<String, List<String>> keys =
        Map.of(
            "UsageTable",
                List.of(DynamoDbTables.USAGE_PARTITION_KEY, DynamoDbTables.USAGE_SORT_KEY),
            "TokensTable", List.of(DynamoDbTables.TOKENS_PARTITION_KEY),
            "ConnectionsTable", List.of(DynamoDbTables.CONNECTIONS_PARTITION_KEY),
            "StateTable", List.of(DynamoDbTables.STATE_PARTITION_KEY));
    for (Map.Entry<String, List<String>> table : keys.entrySet()) {
      JsonNode resource = resource(table.getKey());
      JsonNode properties = resource.path("Properties");
      assertEquals("PAY_PER_REQUEST", properties.path("BillingMode").asText(), table.getKey());
      JsonNode replica = properties.path("Replicas").get(0);
      assertTrue(
          replica.at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled").asBoolean(),
          table.getKey());
      assertTrue(replica.path("DeletionProtectionEnabled").asBoolean(), table.getKey());
      assertEquals("Retain", resource.path("DeletionPolicy").asText(), table.getKey());
      List<String> keyNames = new ArrayList<>();
      properties.path("KeySchema").forEach(k -> keyNames.add(k.path("AttributeName").asText()));
      assertEquals(table.getValue(), keyNames, table.getKey());
    }
    JsonNode ttl = resource("StateTable").at("/Properties/TimeToLiveSpecification");
    assertTrue(ttl.path("Enabled").asBoolean());
    assertEquals(DynamoDbTables.STATE_TIME_TO_LIVE, ttl.path("AttributeName").asText());
  }

  @Test
  void functions_getExactlyTheEnvironmentTheirConfigRequires() {
    Map<String, String> resourceOf =
        Map.of(
            Config.USAGE_TABLE, "UsageTable",
            Config.TOKENS_TABLE, "TokensTable",
            Config.CONNECTIONS_TABLE, "ConnectionsTable",
            Config.STATE_TABLE, "StateTable",
            Config.INGEST_QUEUE_URL, "IngestQueue");
    assertEquals(new TreeSet<>(Config.REQUIRED), new TreeSet<>(resourceOf.keySet()));
    Map<String, Set<String>> optional =
        Map.of(
            "IngestFunction", Set.of(),
            "AggregatorFunction", Set.of(Config.ALERT_QUEUE_URL),
            "QueryFunction", Set.of(),
            "AlertFunction", Set.of(Config.ALERT_QUEUE_URL, Config.ALARM_TOPIC_ARN));
    for (String name : optional.keySet()) {
      JsonNode variables = function(name).at("/Properties/Environment/Variables");
      for (String variable : Config.REQUIRED) {
        assertEquals(
            resourceOf.get(variable),
            logicalIdPrefix(variables.path(variable).path("Ref").asText()),
            name + " " + variable);
      }
      Set<String> names = new TreeSet<>();
      variables.fieldNames().forEachRemaining(names::add);
      names.removeAll(Config.REQUIRED);
      Set<String> expected = new TreeSet<>(optional.get(name));
      expected.addAll(Set.of("JAVA_TOOL_OPTIONS", Config.MAX_RECEIVE_COUNT));
      assertEquals(expected, names, name + " has nothing Config does not read");
      // The aggregator counts a message's last attempt by the queue's own redrive policy.
      assertEquals(
          resource("IngestQueue").at("/Properties/RedrivePolicy/maxReceiveCount").asText(),
          variables.path(Config.MAX_RECEIVE_COUNT).asText(),
          name);
    }
  }

  @Test
  void functions_runOnArmJava21WithMeasuredSizes_andSnapStartOnTheApiPath() {
    for (String name : List.of("IngestFunction", "AggregatorFunction", "QueryFunction")) {
      JsonNode properties = function(name).path("Properties");
      assertEquals("java21", properties.path("Runtime").asText(), name);
      assertEquals("[\"arm64\"]", properties.path("Architectures").toString(), name);
      assertEquals(1024, properties.path("MemorySize").asInt(), name);
    }
    assertEquals(10, function("IngestFunction").at("/Properties/Timeout").asInt());
    assertEquals(
        "PublishedVersions",
        function("IngestFunction").at("/Properties/SnapStart/ApplyOn").asText());
    assertEquals(
        "PublishedVersions",
        function("QueryFunction").at("/Properties/SnapStart/ApplyOn").asText());
    assertTrue(function("AggregatorFunction").at("/Properties/SnapStart").isMissingNode());
  }

  @Test
  void eachFunction_mayDoOnlyWhatItsAdaptersCall() {
    assertEquals(
        Map.of(
            "TokensTable", Set.of("dynamodb:GetItem"),
            "IngestQueue", Set.of("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl")),
        grantsOf("IngestFunction"));
    assertEquals(
        Map.of(
            "UsageTable",
                Set.of(
                    "dynamodb:UpdateItem",
                    "dynamodb:BatchGetItem",
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:Query"),
            "AlertQueue", Set.of("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"),
            "StateTable",
                Set.of(
                    "dynamodb:GetItem",
                    "dynamodb:BatchGetItem",
                    "dynamodb:PutItem",
                    "dynamodb:BatchWriteItem"),
            "IngestQueue",
                Set.of(
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes",
                    "sqs:GetQueueUrl")),
        grantsOf("AggregatorFunction"));
    assertEquals(
        Map.of(
            "TokensTable", Set.of("dynamodb:GetItem"),
            "UsageTable", Set.of("dynamodb:Query"),
            // rosters, identity links (e-mail backfill) and the connections' pseudonym keys
            "StateTable", Set.of("dynamodb:GetItem", "dynamodb:BatchGetItem"),
            "ConnectionsTable", Set.of("dynamodb:GetItem")),
        grantsOf("QueryFunction"));
    assertEquals(
        Map.of(
            "UsageTable", Set.of("dynamodb:GetItem", "dynamodb:UpdateItem"),
            "AlertQueue",
                Set.of(
                    "sqs:SendMessage",
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes",
                    "sqs:GetQueueUrl"),
            "AlarmTopic", Set.of("sns:Publish")),
        grantsOf("AlertFunction"));
  }

  @Test
  void budgetAlerts_haveTheirOwnFunctionQueueAndDeadLetterQueue_whichAlarms() {
    JsonNode alert = function("AlertFunction");
    assertEquals(
        "ccotel.lambda.AlertHandler::handleRequest", alert.at("/Properties/Handler").asText());
    assertEquals(
        "AlarmTopic",
        logicalIdPrefix(
            alert.at("/Properties/Environment/Variables/ALARM_TOPIC_ARN/Ref").asText()));
    JsonNode queue = resource("AlertQueue");
    assertEquals(
        "AlertDeadLetterQueue",
        logicalIdPrefix(
            queue.at("/Properties/RedrivePolicy/deadLetterTargetArn/Fn::GetAtt/0").asText()));
    assertEquals(
        6 * alert.at("/Properties/Timeout").asInt(),
        queue.at("/Properties/VisibilityTimeout").asInt());
    boolean mapped = false;
    for (JsonNode mapping : ofType("AWS::Lambda::EventSourceMapping")) {
      if (logicalIdPrefix(mapping.at("/Properties/FunctionName/Ref").asText())
          .equals("AlertFunction")) {
        mapped = true;
        assertEquals(
            "ReportBatchItemFailures", mapping.at("/Properties/FunctionResponseTypes/0").asText());
      }
    }
    assertTrue(mapped, "the alert queue feeds the alert function");
    boolean alarmed = false;
    for (JsonNode alarm : ofType("AWS::CloudWatch::Alarm")) {
      JsonNode dimension = alarm.at("/Properties/Dimensions/0/Value/Fn::GetAtt/0");
      if (!dimension.isMissingNode()
          && logicalIdPrefix(dimension.asText()).equals("AlertDeadLetterQueue")) {
        alarmed = true;
      }
    }
    assertTrue(alarmed, "alerts that could not be published alarm");
  }

  @Test
  void alarmsWatchTheDeadLetterQueue_aggregatorErrors_andServerErrors_andLogsExpire() {
    Set<String> metrics = new TreeSet<>();
    for (JsonNode alarm : ofType("AWS::CloudWatch::Alarm")) {
      metrics.add(alarm.at("/Properties/MetricName").asText());
      assertEquals(1, alarm.at("/Properties/AlarmActions").size());
    }
    assertEquals(
        Set.of(
            "ApproximateNumberOfMessagesVisible",
            "Errors",
            "5xx",
            "MessageFailures",
            "ApproximateAgeOfOldestMessage",
            "ExportsAccepted"),
        metrics);
    for (JsonNode logGroup : ofType("AWS::Logs::LogGroup")) {
      assertEquals(30, logGroup.at("/Properties/RetentionInDays").asInt());
    }
  }

  @Test
  void perMessageFailures_alarmOnTheFunctionsOwnMetric_toTheAlarmTopic() {
    JsonNode alarm = alarm("AggregatorMessageFailuresAlarm");
    assertOwnMetricSum(alarm, EmfServiceMetrics.MESSAGE_FAILURES);
    assertEquals(300, alarm.path("Period").asInt());
    assertEquals(5, alarm.path("Threshold").asInt());
    assertEquals("GreaterThanOrEqualToThreshold", alarm.path("ComparisonOperator").asText());
    assertEquals("AlarmTopic", logicalIdPrefix(alarm.at("/AlarmActions/0/Ref").asText()));
  }

  @Test
  void noExportAccepted_forADay_alarmsOnTheIngestFunctionsOwnMetric_missingDataIncluded() {
    JsonNode alarm = alarm("ExportsStoppedAlarm");
    assertOwnMetricSum(alarm, EmfServiceMetrics.EXPORTS_ACCEPTED);
    assertEquals(3600, alarm.path("Period").asInt());
    assertEquals(
        CcotelStackProps.DEFAULT_SILENCE_ALARM_HOURS, alarm.path("EvaluationPeriods").asInt());
    assertEquals(1, alarm.path("Threshold").asInt());
    assertEquals("LessThanThreshold", alarm.path("ComparisonOperator").asText());
    // No request at all writes no metric: silence must count as a breach, not as "no data".
    assertEquals("breaching", alarm.path("TreatMissingData").asText());
    assertEquals("AlarmTopic", logicalIdPrefix(alarm.at("/AlarmActions/0/Ref").asText()));
  }

  @Test
  void ingestQueueAge_alarmsAfterAnHour_toTheAlarmTopic() {
    JsonNode alarm = alarm("IngestQueueOldestMessageAlarm");
    assertEquals("AWS/SQS", alarm.path("Namespace").asText());
    assertEquals("ApproximateAgeOfOldestMessage", alarm.path("MetricName").asText());
    assertEquals("QueueName", alarm.at("/Dimensions/0/Name").asText());
    assertEquals(
        "IngestQueue", logicalIdPrefix(alarm.at("/Dimensions/0/Value/Fn::GetAtt/0").asText()));
    assertEquals("Maximum", alarm.path("Statistic").asText());
    assertEquals(3600, alarm.path("Threshold").asInt());
    assertEquals("AlarmTopic", logicalIdPrefix(alarm.at("/AlarmActions/0/Ref").asText()));
  }

  @Test
  void ingestQueue_takesSqsLargestMessage_thatIngestSplitsFor() {
    assertEquals(1_048_576, resource("IngestQueue").at("/Properties/MaximumMessageSize").asInt());
  }

  private static JsonNode alarm(String id) {
    return resource(id).path("Properties");
  }

  /** The alarm watches the sum of one of the functions' own metrics (EmfServiceMetrics). */
  private static void assertOwnMetricSum(JsonNode alarm, String metric) {
    assertEquals(EmfServiceMetrics.NAMESPACE, alarm.path("Namespace").asText());
    assertEquals(metric, alarm.path("MetricName").asText());
    assertEquals(
        "[{\"Name\":\""
            + EmfServiceMetrics.DIMENSION
            + "\",\"Value\":\""
            + EmfServiceMetrics.SERVICE
            + "\"}]",
        alarm.path("Dimensions").toString());
    assertEquals("Sum", alarm.path("Statistic").asText());
  }

  @Test
  void outputs_nameWhatTheAdminCliAndClientsNeed() {
    for (String output :
        List.of(
            "ApiUrl",
            "UsageTableName",
            "TokensTableName",
            "ConnectionsTableName",
            "StateTableName",
            "IngestQueueUrl",
            "DeadLetterQueueUrl",
            "AlarmTopicArn")) {
      assertFalse(outputs.path(output).path("Value").isMissingNode(), output);
    }
  }

  @Test
  void noHardCodedAccountOrRegion() {
    // Hashes (the asset's S3 key, a function version's logical id) are long hex runs, in which
    // twelve digits in a row occur by chance; an account id stands alone, as in an ARN.
    String text = resources.toString().replaceAll("[0-9a-fA-F]{32,}", "<hash>");
    java.util.regex.Matcher account = java.util.regex.Pattern.compile("\\d{12}").matcher(text);
    assertFalse(account.find(), () -> "an account id in the template: " + account.group());
    assertFalse(text.matches("(?s).*(us|eu|ap|sa|ca|me|af)-[a-z]+-\\d.*"), "a region");
  }

  // ---- reading the template

  /** Actions each resource grants the function's role, by the resource's logical id prefix. */
  private static Map<String, Set<String>> grantsOf(String function) {
    String role = function(function).at("/Properties/Role/Fn::GetAtt/0").asText();
    Map<String, Set<String>> grants = new HashMap<>();
    for (JsonNode policy : ofType("AWS::IAM::Policy")) {
      boolean forRole = false;
      for (JsonNode attached : policy.at("/Properties/Roles")) {
        forRole |= attached.path("Ref").asText().equals(role);
      }
      if (!forRole) {
        continue;
      }
      for (JsonNode statement : policy.at("/Properties/PolicyDocument/Statement")) {
        assertEquals("Allow", statement.path("Effect").asText());
        List<String> actions = new ArrayList<>();
        if (statement.path("Action").isArray()) {
          statement.path("Action").forEach(a -> actions.add(a.asText()));
        } else {
          actions.add(statement.path("Action").asText());
        }
        for (String action : actions) {
          assertFalse(action.contains("*"), function + " may " + action);
        }
        // CDK joins the same actions on several tables into one statement: each resource must
        // still be one of our own resources by its ARN (never a wildcard or an index path).
        JsonNode resource = statement.path("Resource");
        List<JsonNode> resources = new ArrayList<>();
        if (resource.isArray()) {
          resource.forEach(resources::add);
        } else {
          resources.add(resource);
        }
        for (JsonNode one : resources) {
          // Tables and queues are named by their ARN attribute, a topic by its Ref (its ARN).
          assertTrue(one.has("Fn::GetAtt") || one.has("Ref"), "a resource of ours: " + one);
          String target =
              logicalIdPrefix(
                  one.has("Ref") ? one.path("Ref").asText() : one.at("/Fn::GetAtt/0").asText());
          grants.computeIfAbsent(target, t -> new TreeSet<>()).addAll(actions);
        }
      }
    }
    return grants;
  }

  private static JsonNode function(String name) {
    return resource(name);
  }

  /** The resource whose logical id is {@code prefix} plus CDK's hash suffix. */
  private static JsonNode resource(String prefix) {
    List<String> ids = new ArrayList<>();
    resources
        .fieldNames()
        .forEachRemaining(
            id -> {
              if (logicalIdPrefix(id).equals(prefix)) {
                ids.add(id);
              }
            });
    assertEquals(1, ids.size(), prefix + ": " + ids);
    return resources.path(ids.get(0));
  }

  private static List<JsonNode> ofType(String type) {
    List<JsonNode> found = new ArrayList<>();
    resources.forEach(
        resource -> {
          if (resource.path("Type").asText().equals(type)) {
            found.add(resource);
          }
        });
    return found;
  }

  private static JsonNode only(String type) {
    List<JsonNode> found = ofType(type);
    assertEquals(1, found.size(), type);
    return found.get(0);
  }

  /** "IngestFunction2682E9E9" → "IngestFunction": CDK appends an 8-hex-digit hash. */
  private static String logicalIdPrefix(String logicalId) {
    return logicalId.replaceAll("[0-9A-F]{8}$", "");
  }
}
