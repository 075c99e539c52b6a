package ccotel.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.activity.LastExportReader;
import ccotel.aggregate.AggregationService;
import ccotel.aggregate.DayChanges;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.dynamodb.DynamoDbDayVersions;
import ccotel.dynamodb.DynamoDbRangeReader;
import ccotel.dynamodb.DynamoDbUsageStore;
import ccotel.embedded.EmbeddedAws;
import ccotel.query.CachingRangeReader;
import ccotel.query.DayVersions;
import ccotel.query.UsageRangeReader;
import ccotel.summary.SummaryService;
import ccotel.teams.RosterReader;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The summary's day cache on DynamoDB Local, fed through the real aggregator handler with SQS
 * events: a write after a summary is in the next one, also when it races the read, and only the
 * days that changed are read again.
 */
class SummaryCacheIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final LocalDate FIRST = LocalDate.parse("2026-11-18");
  private static final LocalDate LAST = LocalDate.parse("2026-11-24");

  private AwsTestStack stack;
  private AggregatorHandler aggregator;

  /** The days the cache read from DynamoDB, summary by summary. */
  private final List<LocalDate> daysRead = new ArrayList<>();

  /** Runs once after the day versions are read, before any rows: a write racing the read. */
  private final AtomicReference<Runnable> afterVersions = new AtomicReference<>();

  /** Runs once when the store hands over a day's rows: a write racing the read. */
  private final AtomicReference<Runnable> afterADay = new AtomicReference<>();

  private QueryHandler query;

  @BeforeEach
  void setUp() {
    stack = new AwsTestStack(AWS);
    SampleConnection.register(stack);
    aggregator = new AggregatorHandler(stack.components.aggregationService());
    DynamoDbRangeReader days =
        new DynamoDbRangeReader(AWS.dynamoDb().client(), stack.config.usageTable(), 4, true);
    UsageRangeReader watched =
        (connectionId, from, to, sink) ->
            days.readRange(
                connectionId,
                from,
                to,
                (day, rows) -> {
                  daysRead.add(day);
                  sink.day(day, rows);
                  runOnce(afterADay);
                });
    DynamoDbDayVersions versions =
        new DynamoDbDayVersions(AWS.dynamoDb().client(), stack.config.usageTable());
    DayVersions watchedVersions =
        (connectionId, from, to) -> {
          Map<LocalDate, Long> read = versions.versions(connectionId, from, to);
          runOnce(afterVersions);
          return read;
        };
    SummaryService summary =
        new SummaryService(
            stack.components.authorizer(),
            new CachingRangeReader(
                watched, watchedVersions, Clock.systemUTC(), Duration.ofMinutes(10), 1000),
            RosterReader.NONE,
            LastExportReader.NONE);
    query =
        new QueryHandler(
            stack.components.queryService(), summary, stack.components.statusService());
  }

  @Test
  void aWriteAfterASummary_isInTheNext_andOnlyItsDaysAreReadAgain() {
    count(SampleConnection.message("a", tokens("amy@example.com", "2026-11-24T10:00:00Z", 7)));
    assertEquals(7, inputTokens(summary()));
    assertEquals(days(FIRST, LAST), takeDaysRead());

    assertEquals(7, inputTokens(summary()));
    assertEquals(List.of(), takeDaysRead()); // nothing changed: all from memory

    count(
        SampleConnection.message("b", tokens("amy@example.com", "2026-11-24T11:00:00Z", 5)),
        SampleConnection.message("c", tokens("bob@example.com", "2026-11-20T09:00:00Z", 3)));
    JsonNode after = summary();

    assertEquals(15, inputTokens(after));
    assertEquals(2, after.get("totals").get("active_users").asInt());
    assertEquals(List.of(LocalDate.parse("2026-11-20"), LAST), takeDaysRead());
  }

  @Test
  void aWriteRacingTheRead_afterItsDayWasRead_isInTheNextSummary() {
    count(SampleConnection.message("a", tokens("amy@example.com", "2026-11-18T10:00:00Z", 7)));
    // Counted while the summary reads: after its day's rows were read, before the answer.
    afterADay.set(
        () ->
            count(
                SampleConnection.message(
                    "b", tokens("amy@example.com", "2026-11-18T11:00:00Z", 5))));

    assertEquals(7, inputTokens(summary()));
    assertEquals(12, inputTokens(summary()));
    assertEquals(12, inputTokens(summary()));
  }

  @Test
  void aWriteRacingTheRead_beforeItsDayWasRead_isInThisAndTheNextSummary() {
    count(SampleConnection.message("a", tokens("amy@example.com", "2026-11-24T10:00:00Z", 7)));
    // Counted after the versions were read, before any rows: this summary has it, kept with the
    // version from before it.
    afterVersions.set(
        () ->
            count(
                SampleConnection.message(
                    "b", tokens("amy@example.com", "2026-11-24T11:00:00Z", 5))));

    assertEquals(12, inputTokens(summary()));
    takeDaysRead();
    assertEquals(12, inputTokens(summary()));
    assertEquals(List.of(LAST), takeDaysRead()); // its version moved after it was read
  }

  @Test
  void aBatchWhoseChangeFailed_isRetried_andTheRedeliveryMovesTheVersion() {
    count(SampleConnection.message("a", tokens("amy@example.com", "2026-11-24T10:00:00Z", 7)));
    assertEquals(7, inputTokens(summary()));
    SQSEvent.SQSMessage b =
        SampleConnection.message("b", tokens("amy@example.com", "2026-11-24T11:00:00Z", 5));
    DayChanges failing =
        (connectionId, days) -> {
          throw new UsageStoreUnavailableException("change lost (test)", null);
        };
    AggregatorHandler crashing =
        new AggregatorHandler(
            new AggregationService(
                new DynamoDbUsageStore(
                    AWS.dynamoDb().client(),
                    stack.config.usageTable(),
                    stack.config.stateTable(),
                    Clock.systemUTC(),
                    stack.config.deliveryRetention()),
                failing));

    // Its usage is written, but without a change the message must come back.
    assertEquals(List.of("b"), failures(crashing.handleRequest(batch(b), null)));
    assertEquals(List.of(), failures(aggregator.handleRequest(batch(b), null)));

    assertEquals(12, inputTokens(summary()));
  }

  private static void runOnce(AtomicReference<Runnable> hook) {
    Runnable write = hook.getAndSet(null);
    if (write != null) {
      write.run();
    }
  }

  private void count(SQSEvent.SQSMessage... messages) {
    assertEquals(List.of(), failures(aggregator.handleRequest(batch(messages), null)));
  }

  private static SQSEvent batch(SQSEvent.SQSMessage... messages) {
    SQSEvent batch = new SQSEvent();
    batch.setRecords(List.of(messages));
    return batch;
  }

  private static List<String> failures(SQSBatchResponse response) {
    return response.getBatchItemFailures().stream()
        .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .toList();
  }

  private List<LocalDate> takeDaysRead() {
    List<LocalDate> taken = List.copyOf(daysRead);
    daysRead.clear();
    return taken;
  }

  private static List<LocalDate> days(LocalDate from, LocalDate to) {
    return from.datesUntil(to.plusDays(1)).toList();
  }

  private JsonNode summary() {
    APIGatewayV2HTTPEvent event =
        EventLoader.loadApiGatewayHttpEvent("events/query/usage-summary.json");
    APIGatewayV2HTTPResponse response = query.handleRequest(event, null);
    assertEquals(200, response.getStatusCode(), response.getBody());
    return Json.read(ApiGatewayResponses.body(response));
  }

  private static long inputTokens(JsonNode summary) {
    return summary.get("totals").get("tokens").get("input").asLong();
  }

  private static byte[] tokens(String email, String at, int input) {
    return OtlpRequests.metrics(email)
        .delta(
            "claude_code.token.usage",
            OtlpRequests.nanos(at),
            input,
            "type",
            "input",
            "model",
            "claude-x")
        .build()
        .toByteArray();
  }
}
