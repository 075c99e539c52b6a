package ccotel.aggregate;

import static ccotel.testing.Json.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.ingest.QueuedExport;
import ccotel.testing.Fixtures;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every captured Claude Code session, replayed through the whole core pipeline, gives exactly the
 * records of its expected.json: in order, with every request delivered twice, and shuffled.
 */
class FixtureReplayTest {

  static List<String> scenarios() {
    return Fixtures.scenarios();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void replayInOrder_givesExpectedUsage(String scenario) throws Exception {
    InMemoryPipeline pipeline = new InMemoryPipeline();
    ConnectionAdmin.NewConnection connection = pipeline.admin.create(scenario);

    for (Fixtures.CapturedRequest request : Fixtures.requests(scenario)) {
      assertEquals(
          200,
          pipeline.send(request, connection.ingestToken().value()).status(),
          request.toString());
    }
    pipeline.aggregateQueued();

    assertUsage(scenario, pipeline, connection);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void everyRequestTwice_andQueueRedeliveries_countOnce(String scenario) throws Exception {
    InMemoryPipeline pipeline = new InMemoryPipeline();
    ConnectionAdmin.NewConnection connection = pipeline.admin.create(scenario);

    for (Fixtures.CapturedRequest request : Fixtures.requests(scenario)) {
      pipeline.send(request, connection.ingestToken().value()); // accepted, then retried
      pipeline.send(request, connection.ingestToken().value());
    }
    List<QueuedExport> exports = pipeline.queue.drain();
    for (QueuedExport export : exports) {
      pipeline.aggregation.aggregate(export);
      pipeline.aggregation.aggregate(export); // the queue delivers again
    }

    assertUsage(scenario, pipeline, connection);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void shuffledWithDuplicates_givesExpectedUsage(String scenario) throws Exception {
    for (long seed = 1; seed <= 5; seed++) {
      InMemoryPipeline pipeline = new InMemoryPipeline();
      ConnectionAdmin.NewConnection connection = pipeline.admin.create(scenario);
      List<Fixtures.CapturedRequest> requests = new ArrayList<>(Fixtures.requests(scenario));
      requests.addAll(Fixtures.requests(scenario).subList(0, 3));
      Collections.shuffle(requests, new Random(seed));

      for (Fixtures.CapturedRequest request : requests) {
        assertEquals(200, pipeline.send(request, connection.ingestToken().value()).status());
      }
      pipeline.aggregateQueued();

      assertUsage(scenario, pipeline, connection);
    }
  }

  private static void assertUsage(
      String scenario, InMemoryPipeline pipeline, ConnectionAdmin.NewConnection connection) {
    JsonNode expected = Json.read(Fixtures.expected(scenario));
    String day = expected.get(0).get("date").asText().substring(0, 10);
    ApiResponse answer = pipeline.query(connection.readToken().value(), Map.of("starting_at", day));
    assertEquals(200, answer.status(), answer.bodyText());
    JsonNode body = Json.read(answer.body());
    assertJsonEquals(expected, body.get("data"));
    assertEquals(false, body.get("has_more").asBoolean());
  }
}
