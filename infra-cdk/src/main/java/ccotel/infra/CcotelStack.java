package ccotel.infra;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpApiProps;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.HttpStageProps;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.TableEncryptionV2;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.kms.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * ccotel on AWS as one stack: an HTTP API in front of the ingest and query functions, the ingest
 * queue (with its dead-letter queue) feeding the aggregator, four on-demand DynamoDB tables, alarms
 * and logs. Environment-agnostic: no account or region is written here, so synthesis needs neither.
 * The sizes and their reasons are in docs/deploy.md.
 */
public final class CcotelStack extends Stack {

  /** Claude Code's exporter gives up after 10 s; ingest must answer (or fail) within it. */
  static final Duration INGEST_TIMEOUT = Duration.seconds(10);

  static final Duration QUERY_TIMEOUT = Duration.seconds(15);

  /**
   * A batch of BATCH_SIZE exports of as many user-days takes several seconds (one update each); the
   * margin covers throttling retries and the plain writes' 8 s of backing off.
   */
  static final Duration AGGREGATOR_TIMEOUT = Duration.seconds(60);

  /** A webhook POST times out after 5 s; a batch of ten alerts fits with room to spare. */
  static final Duration ALERT_TIMEOUT = Duration.seconds(90);

  /** AWS asks for at least six times the function timeout, so retries never overlap a run. */
  static final int VISIBILITY_TIMEOUT_FACTOR = 6;

  /**
   * The functions' own metrics (ccotel.cloudwatch.EmfServiceMetrics writes them; this module is
   * synthesized without the functions, so the template test holds these names equal to its).
   */
  static final String METRICS_NAMESPACE = "ccotel";

  static final String METRICS_DIMENSION = "Service";
  static final String METRICS_SERVICE = "ccotel";
  static final String MESSAGE_FAILURES_METRIC = "MessageFailures";
  static final String EXPORTS_ACCEPTED_METRIC = "ExportsAccepted";

  /** SQS's largest message, what ingest's splitting is sized for. */
  static final int MAX_MESSAGE_BYTES = 1_048_576;

  /**
   * Per-message failures in 5 minutes that raise the alarm: one poison message fails at most once
   * in 5 minutes (visibility 360 s), so 5 means more than one message or a failing dependency.
   */
  static final int MESSAGE_FAILURES_THRESHOLD = 5;

  /**
   * Age of the oldest queued export that raises the alarm: a message retried to the dead-letter
   * queue waits a batching window and a visibility timeout per attempt, at most 5 × (300 s + 360 s)
   * = 55 min, so an hour means aggregation has stalled.
   */
  static final int OLDEST_MESSAGE_SECONDS_THRESHOLD = 3_600;

  /** As in local mode: five failed attempts, then the dead-letter queue. */
  static final int MAX_RECEIVE_COUNT = 5;

  /**
   * SQS hands the aggregator up to 1,000 messages, gathered for up to 300 s (the most Lambda
   * allows): exports of one user-day in a batch share one update, and the writes made once per
   * connection and batch (the last export time, exports per hour, each day's change version) are
   * spread over more exports. With Claude Code exporting every few minutes and a small team, a 20 s
   * window handed the aggregator batches of one or two exports, each paying those writes. The cost
   * is latency: usage reaches the API up to 5 minutes later (docs/decisions.md, "Batch size and
   * window"). 1,000 exports of a few KB stay far below Lambda's 6 MB invocation payload and take a
   * few seconds to count.
   */
  static final int BATCH_SIZE = 1_000;

  static final Duration BATCHING_WINDOW = Duration.seconds(300);

  /** The managed Java runtime; SnapStart works on it, on arm64. */
  static final Runtime RUNTIME = Runtime.JAVA_21;

  /** Memory (MB) for every function: Lambda gives CPU in proportion, and the JVM needs it. */
  static final int MEMORY_MB = 1024;

  private final CcotelStackProps props;
  private final TableV2 usageTable;
  private final TableV2 tokensTable;
  private final TableV2 connectionsTable;
  private final TableV2 stateTable;
  private final Queue ingestQueue;
  private final Queue deadLetterQueue;
  private final Function ingestFunction;
  private final Function aggregatorFunction;
  private final Function queryFunction;
  private final HttpApi api;

  public CcotelStack(Construct scope, String id, CcotelStackProps props) {
    super(
        scope,
        id,
        StackProps.builder()
            .description("ccotel: Claude Code usage analytics from OpenTelemetry")
            .build());
    this.props = Objects.requireNonNull(props, "props");

    // ---- storage: what users bill with is retained and protected from deletion
    usageTable =
        table(
            "UsageTable",
            "connectionId",
            "sk",
            null,
            RemovalPolicy.RETAIN,
            "per-user per-day counters");
    tokensTable =
        table("TokensTable", "tokenHash", null, null, RemovalPolicy.RETAIN, "token hashes");
    connectionsTable =
        table("ConnectionsTable", "connectionId", null, null, RemovalPolicy.RETAIN, "connections");
    stateTable =
        table(
            "StateTable",
            "pk",
            null,
            "expiresAt",
            RemovalPolicy.RETAIN,
            "delivery markers and series state (TTL), identity links");

    // ---- the queue between ingest and aggregation
    deadLetterQueue =
        Queue.Builder.create(this, "IngestDeadLetterQueue")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    ingestQueue =
        Queue.Builder.create(this, "IngestQueue")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(4))
            // Ingest splits requests to fit SQS's largest message (1 MiB); said outright so a
            // change of the default cannot make it refuse what ingest queues.
            .maxMessageSizeBytes(MAX_MESSAGE_BYTES)
            .visibilityTimeout(
                Duration.seconds(
                    AGGREGATOR_TIMEOUT.toSeconds().intValue() * VISIBILITY_TIMEOUT_FACTOR))
            .deadLetterQueue(
                DeadLetterQueue.builder()
                    .queue(deadLetterQueue)
                    .maxReceiveCount(MAX_RECEIVE_COUNT)
                    .build())
            .build();

    // ---- the functions, all from the one jar
    Code code = Code.fromAsset(props.functionsAssetPath());
    Map<String, String> environment =
        Map.of(
            // ccotel.config.Config's names; the template tests hold them equal.
            "USAGE_TABLE", usageTable.getTableName(),
            "TOKENS_TABLE", tokensTable.getTableName(),
            "CONNECTIONS_TABLE", connectionsTable.getTableName(),
            "STATE_TABLE", stateTable.getTableName(),
            "INGEST_QUEUE_URL", ingestQueue.getQueueUrl(),
            // Its redrive policy, for the aggregator's MessagesDeadLettered metric.
            "MAX_RECEIVE_COUNT", Integer.toString(MAX_RECEIVE_COUNT),
            // C1 only: these functions are short-lived, so fast JIT warm-up beats peak code.
            "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
    ingestFunction =
        function(
            "IngestFunction",
            "ccotel.lambda.IngestHandler::handleRequest",
            INGEST_TIMEOUT,
            code,
            environment,
            "OTLP/HTTP receiver: checks the token, validates, queues",
            true);
    aggregatorFunction =
        function(
            "AggregatorFunction",
            "ccotel.lambda.AggregatorHandler::handleRequest",
            AGGREGATOR_TIMEOUT,
            code,
            environment,
            "Counts queued exports exactly once into per-user per-day counters",
            // Fed by SQS on $LATEST, where SnapStart does not apply; its cold start is not on
            // anybody's request path.
            false);
    queryFunction =
        function(
            "QueryFunction",
            "ccotel.lambda.QueryHandler::handleRequest",
            QUERY_TIMEOUT,
            code,
            environment,
            "Usage API for dashboards",
            true);

    // ---- least privilege, from the calls each adapter makes
    tokensTable.grant(ingestFunction, "dynamodb:GetItem");
    ingestQueue.grantSendMessages(ingestFunction);
    // Query: its connections' shard layouts (DynamoDbShardLayouts), cached a minute.
    usageTable.grant(
        aggregatorFunction, "dynamodb:UpdateItem", "dynamodb:BatchGetItem", "dynamodb:Query");
    stateTable.grant(
        aggregatorFunction,
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:PutItem",
        "dynamodb:BatchWriteItem");
    tokensTable.grant(queryFunction, "dynamodb:GetItem");
    usageTable.grant(queryFunction, "dynamodb:Query");
    // The roster (its pointer, then its chunks), identity links for the e-mail backfill, and each
    // connection's pseudonym key for read views.
    stateTable.grant(queryFunction, "dynamodb:GetItem", "dynamodb:BatchGetItem");
    connectionsTable.grant(queryFunction, "dynamodb:GetItem");
    aggregatorFunction.addEventSource(
        SqsEventSource.Builder.create(ingestQueue)
            .batchSize(BATCH_SIZE)
            .maxBatchingWindow(BATCHING_WINDOW)
            .reportBatchItemFailures(true)
            .maxConcurrency(props.aggregatorConcurrency())
            .build());

    // ---- the HTTP API
    api =
        new HttpApi(
            this,
            "HttpApi",
            HttpApiProps.builder()
                .description("ccotel: OTLP/HTTP ingest and the usage API")
                .createDefaultStage(false)
                .build());
    LogGroup accessLogs =
        LogGroup.Builder.create(this, "HttpApiAccessLogs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    new HttpStage(
        this,
        "HttpApiDefaultStage",
        HttpStageProps.builder()
            .httpApi(api)
            .stageName("$default")
            .autoDeploy(true)
            .throttle(
                ThrottleSettings.builder()
                    .rateLimit(props.ingestRateLimit())
                    .burstLimit(props.ingestBurstLimit())
                    .build())
            .accessLogSettings(
                new IAccessLogSettings() {
                  @Override
                  public IAccessLogDestination getDestination() {
                    return new LogGroupLogDestination(accessLogs);
                  }

                  @Override
                  public AccessLogFormat getFormat() {
                    // No headers: the Authorization header carries a token.
                    return AccessLogFormat.custom(
                        "{\"requestId\":\"$context.requestId\",\"routeKey\":\"$context.routeKey\","
                            + "\"status\":\"$context.status\",\"ip\":\"$context.identity.sourceIp\","
                            + "\"bytes\":\"$context.responseLength\","
                            + "\"latencyMs\":\"$context.integrationLatency\"}");
                  }
                })
            .build());
    route("/api/otel/v1/metrics", HttpMethod.POST, ingestFunction, "Ingest");
    route("/api/otel/v1/logs", HttpMethod.POST, ingestFunction, "Ingest");
    route("/api/usage/claude_code", HttpMethod.GET, queryFunction, "Query");
    route("/api/usage/claude_code/summary", HttpMethod.GET, queryFunction, "Query");
    route("/api/usage/claude_code/status", HttpMethod.GET, queryFunction, "Query");
    route("/healthz", HttpMethod.GET, queryFunction, "Query");
    // The dashboard page and its assets, served from the query function's jar (CONTRACT §6).
    route("/", HttpMethod.GET, queryFunction, "Dashboard");
    route("/assets/{proxy+}", HttpMethod.GET, queryFunction, "Dashboard");

    // ---- alarms, to an SNS topic operators subscribe to
    Topic alarms =
        Topic.Builder.create(this, "AlarmTopic")
            .enforceSsl(true)
            .masterKey(Alias.fromAliasName(this, "SnsManagedKey", "alias/aws/sns"))
            .build();
    budgetAlerts(code, environment, alarms);
    alarm(
        "DeadLetterQueueNotEmptyAlarm",
        deadLetterQueue.metricApproximateNumberOfMessagesVisible(
            MetricOptions.builder().period(Duration.minutes(5)).statistic("Maximum").build()),
        1,
        "Exports the aggregator gave up on: see README (Guarantees) to list and replay them",
        alarms);
    alarm(
        "AggregatorErrorsAlarm",
        aggregatorFunction.metricErrors(
            MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build()),
        1,
        "The aggregator function failed (not a single message: the whole invocation)",
        alarms);
    // The Errors metric counts failed invocations only; with ReportBatchItemFailures a failing
    // message fails alone and the invocation succeeds, so per-message failures come from the
    // functions' own embedded-metric lines (ccotel.cloudwatch.EmfServiceMetrics).
    alarm(
        "AggregatorMessageFailuresAlarm",
        Metric.Builder.create()
            .namespace(METRICS_NAMESPACE)
            .metricName(MESSAGE_FAILURES_METRIC)
            .dimensionsMap(Map.of(METRICS_DIMENSION, METRICS_SERVICE))
            .period(Duration.minutes(5))
            .statistic("Sum")
            .build(),
        MESSAGE_FAILURES_THRESHOLD,
        "Queued exports failed to aggregate (each is retried, then dead-lettered): see the"
            + " aggregator's log for the message ids and stack traces",
        alarms);
    alarm(
        "IngestQueueOldestMessageAlarm",
        ingestQueue.metricApproximateAgeOfOldestMessage(
            MetricOptions.builder().period(Duration.minutes(5)).statistic("Maximum").build()),
        OLDEST_MESSAGE_SECONDS_THRESHOLD,
        "Aggregation is behind: the oldest queued export is older than an hour",
        alarms);
    // Data that stops arriving is the quiet failure of telemetry: a client roll-out that lost its
    // settings, a proxy, a revoked token. The ingest function writes ExportsAccepted on every
    // answer (0 when refused), so hours without a 200 — or without any request — are a breach.
    Alarm silence =
        Alarm.Builder.create(this, "ExportsStoppedAlarm")
            .metric(
                Metric.Builder.create()
                    .namespace(METRICS_NAMESPACE)
                    .metricName(EXPORTS_ACCEPTED_METRIC)
                    .dimensionsMap(Map.of(METRICS_DIMENSION, METRICS_SERVICE))
                    .period(Duration.hours(1))
                    .statistic("Sum")
                    .build())
            .threshold(1)
            .evaluationPeriods(props.silenceAlarmHours())
            .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
            .treatMissingData(TreatMissingData.BREACHING)
            .alarmDescription(
                "No export accepted for "
                    + props.silenceAlarmHours()
                    + " hours: Claude Code stopped sending, or ingest refuses it (see README,"
                    + " Operating it)")
            .build();
    silence.addAlarmAction(new SnsAction(alarms));
    alarm(
        "Ingest5xxAlarm",
        api.metricServerError(
            MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build()),
        10,
        "Ingest or query answered 5xx: a dependency is unavailable, exporters are retrying",
        alarms);

    // ---- what deployers and the admin CLI need
    output("ApiUrl", api.getApiEndpoint(), "OTEL_EXPORTER_OTLP_ENDPOINT is this + /api/otel");
    output("UsageTableName", usageTable.getTableName(), "usage counters");
    output("TokensTableName", tokensTable.getTableName(), "token hashes");
    output("ConnectionsTableName", connectionsTable.getTableName(), "connections");
    output(
        "StateTableName",
        stateTable.getTableName(),
        "delivery markers, series state, identity links");
    output("IngestQueueUrl", ingestQueue.getQueueUrl(), "the ingest queue");
    output("DeadLetterQueueUrl", deadLetterQueue.getQueueUrl(), "exports given up on");
    output("AlarmTopicArn", alarms.getTopicArn(), "subscribe to receive the alarms");

    AcceptedNagFindings.addTo(this);
  }

  private TableV2 table(
      String id,
      String partitionKey,
      String sortKey,
      String timeToLive,
      RemovalPolicy removal,
      String holds) {
    TableV2.Builder table =
        TableV2.Builder.create(this, id)
            .partitionKey(Attribute.builder().name(partitionKey).type(AttributeType.STRING).build())
            .billing(Billing.onDemand())
            .encryption(TableEncryptionV2.awsManagedKey())
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .deletionProtection(true)
            .removalPolicy(removal);
    if (sortKey != null) {
      table.sortKey(Attribute.builder().name(sortKey).type(AttributeType.STRING).build());
    }
    if (timeToLive != null) {
      table.timeToLiveAttribute(timeToLive);
    }
    TableV2 created = table.build();
    created.getNode().addMetadata("holds", holds);
    return created;
  }

  /**
   * Budget alerts (CONTRACT §8): the aggregator writes an alert record and queues it; the alert
   * function publishes it to the alarm topic and POSTs the webhook, retrying through delayed
   * messages, so delivery never holds up counting. Alerts it cannot publish end in their own
   * dead-letter queue, which alarms.
   */
  private void budgetAlerts(Code code, Map<String, String> environment, Topic alarms) {
    Queue alertDeadLetters =
        Queue.Builder.create(this, "AlertDeadLetterQueue")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    Queue alertQueue =
        Queue.Builder.create(this, "AlertQueue")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(4))
            .visibilityTimeout(
                Duration.seconds(ALERT_TIMEOUT.toSeconds().intValue() * VISIBILITY_TIMEOUT_FACTOR))
            .deadLetterQueue(
                DeadLetterQueue.builder()
                    .queue(alertDeadLetters)
                    .maxReceiveCount(MAX_RECEIVE_COUNT)
                    .build())
            .build();
    Map<String, String> alertEnvironment = new java.util.HashMap<>(environment);
    alertEnvironment.put("ALERT_QUEUE_URL", alertQueue.getQueueUrl());
    alertEnvironment.put("ALARM_TOPIC_ARN", alarms.getTopicArn());
    Function alertFunction =
        function(
            "AlertFunction",
            "ccotel.lambda.AlertHandler::handleRequest",
            ALERT_TIMEOUT,
            code,
            alertEnvironment,
            "Delivers budget alerts: the alarm topic and the signed webhook",
            false);
    aggregatorFunction.addEnvironment("ALERT_QUEUE_URL", alertQueue.getQueueUrl());
    // The aggregator reads a user-day and a budget, and creates and marks alert records.
    usageTable.grant(aggregatorFunction, "dynamodb:GetItem", "dynamodb:PutItem");
    alertQueue.grantSendMessages(aggregatorFunction);
    usageTable.grant(alertFunction, "dynamodb:GetItem", "dynamodb:UpdateItem");
    alertQueue.grantSendMessages(alertFunction); // webhook retries
    // sns:Publish alone: the topic's key is the AWS managed alias/aws/sns, whose key policy lets
    // SNS use it for the account, so no kms:* on key/* (which grantPublish would add).
    alertFunction.addToRolePolicy(
        software.amazon.awscdk.services.iam.PolicyStatement.Builder.create()
            .actions(List.of("sns:Publish"))
            .resources(List.of(alarms.getTopicArn()))
            .build());
    alertFunction.addEventSource(
        SqsEventSource.Builder.create(alertQueue)
            // At most two 5 s timeouts per alert: five fit well within the function's timeout.
            .batchSize(5)
            .reportBatchItemFailures(true)
            .build());
    alarm(
        "AlertDeadLetterQueueNotEmptyAlarm",
        alertDeadLetters.metricApproximateNumberOfMessagesVisible(
            MetricOptions.builder().period(Duration.minutes(5)).statistic("Maximum").build()),
        1,
        "Budget alerts that could not be published to the alarm topic",
        alarms);
  }

  private Function function(
      String id,
      String handler,
      Duration timeout,
      Code code,
      Map<String, String> environment,
      String description,
      boolean snapStart) {
    LogGroup logs =
        LogGroup.Builder.create(this, id + "Logs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    Function.Builder function =
        Function.Builder.create(this, id)
            .description(description)
            .runtime(RUNTIME)
            .architecture(Architecture.ARM_64)
            .handler(handler)
            .code(code)
            .memorySize(MEMORY_MB)
            .timeout(timeout)
            .environment(environment)
            .logGroup(logs);
    if (!snapStart) {
      return function.build();
    }
    Function built = function.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS).build();
    software.amazon.awscdk.Annotations.of(built)
        .acknowledgeWarning(
            "@aws-cdk/aws-lambda:snapStartRequirePublish",
            "API Gateway invokes the current version, which is published");
    return built;
  }

  /** Routes go to the function's current version, which is what SnapStart snapshots. */
  private void route(String path, HttpMethod method, Function function, String integrationId) {
    IFunction published = function.getCurrentVersion();
    api.addRoutes(
        AddRoutesOptions.builder()
            .path(path)
            .methods(List.of(method))
            .integration(new HttpLambdaIntegration(integrationId + pathId(path), published))
            .build());
  }

  private static String pathId(String path) {
    StringBuilder id = new StringBuilder();
    for (String part : path.split("[^A-Za-z0-9]+")) {
      if (!part.isEmpty()) {
        id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return id.toString();
  }

  private void alarm(String id, IMetric metric, double threshold, String description, Topic to) {
    Alarm alarm =
        Alarm.Builder.create(this, id)
            .metric(metric)
            .threshold(threshold)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .alarmDescription(description)
            .build();
    alarm.addAlarmAction(new SnsAction(to));
  }

  private void output(String id, String value, String description) {
    CfnOutput.Builder.create(this, id).value(value).description(description).build();
  }

  public CcotelStackProps props() {
    return props;
  }
}
