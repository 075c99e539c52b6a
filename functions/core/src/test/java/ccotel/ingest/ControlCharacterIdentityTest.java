package ccotel.ingest;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.OtlpRequests;
import ccotel.usage.UserIdentity;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user identity with control characters (NUL, a line break, an escape, a bidi override) is
 * rejected with a reason and never stored: ingest → queue → aggregator → query CSV holds only the
 * good rows, and no control character.
 */
class ControlCharacterIdentityTest {

  /** Longer than any identity may be: a link to it would be a key DynamoDB refuses. */
  private static final String LONG_ID =
      "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii"
          + "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii"
          + "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii";

  private InMemoryPipeline pipeline;
  private ConnectionAdmin.NewConnection connection;

  @BeforeEach
  void setUp() {
    pipeline = new InMemoryPipeline();
    connection = pipeline.admin.create("test");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dev\u0000@example.com",
        "dev@exam\nple.com",
        "dev\u001b[31m@example.com",
        "dev\u0007@example.com",
        "dev\u202e@example.com",
        "dev\u0085@example.com"
      })
  void emailWithControlCharacters_isRejected_andNeverReachesTheCsv(String email) throws Exception {
    ExportMetricsPartialSuccess partial = sendCommits(email, 3);
    assertEquals(1, partial.getRejectedDataPoints());
    assertTrue(
        partial.getErrorMessage().contains("user identity holds control characters"),
        partial.getErrorMessage());
    assertEquals(0, sendCommits("dev@example.com", 2).getRejectedDataPoints());
    pipeline.aggregateQueued();

    String csv = csv();
    String[] lines = csv.split("\r\n");
    assertEquals(2, lines.length, csv);
    assertTrue(lines[1].startsWith("2026-11-24,dev@example.com,,,,,0,0,0,2,"), lines[1]);
    assertEquals(-1, firstControlCharacter(csv.replace("\r\n", "")), csv);
  }

  @ParameterizedTest
  @ValueSource(strings = {"id\u0000x", "id\rx", LONG_ID})
  void userIdWithControlCharactersOrTooLong_isRejected_andNeverLinked(String userId)
      throws Exception {
    byte[] anonymous =
        OtlpRequests.metrics(null)
            .delta("claude_code.commit.count", nanos("2026-11-24T10:00:00Z"), 4, "user.id", userId)
            .build()
            .toByteArray();
    ExportMetricsPartialSuccess partial = send(anonymous);
    assertEquals(1, partial.getRejectedDataPoints());
    // With an e-mail, the point counts for it; the bad id is not linked to it.
    byte[] withEmail =
        OtlpRequests.metrics("dev@example.com")
            .delta("claude_code.commit.count", nanos("2026-11-24T10:00:00Z"), 2, "user.id", userId)
            .build()
            .toByteArray();
    assertEquals(0, send(withEmail).getRejectedDataPoints());
    pipeline.aggregateQueued();

    assertTrue(
        pipeline
            .store
            .loadLinks(connection.connection().id(), Set.of(UserIdentity.userId(userId)))
            .isEmpty(),
        "the id is not linked");
    String csv = csv();
    assertEquals(2, csv.split("\r\n").length, csv);
    assertEquals(-1, firstControlCharacter(csv.replace("\r\n", "")), csv);
  }

  private ExportMetricsPartialSuccess sendCommits(String email, int commits) throws Exception {
    return send(
        OtlpRequests.metrics(email)
            .delta("claude_code.commit.count", nanos("2026-11-24T10:00:00Z"), commits)
            .build()
            .toByteArray());
  }

  private ExportMetricsPartialSuccess send(byte[] body) throws Exception {
    ApiResponse answer =
        pipeline.ingest.accept(
            new ApiRequest(
                "POST",
                "/api/otel/v1/metrics",
                Map.of(
                    "content-type",
                    "application/x-protobuf",
                    "authorization",
                    "Bearer " + connection.ingestToken().value()),
                Map.of(),
                body));
    assertEquals(200, answer.status());
    return ExportMetricsServiceResponse.parseFrom(answer.body()).getPartialSuccess();
  }

  private String csv() {
    ApiResponse answer =
        pipeline.queryCsv(connection.readToken().value(), Map.of("starting_at", "2026-11-24"));
    assertEquals(200, answer.status(), answer.bodyText());
    return answer.bodyText();
  }

  private static int firstControlCharacter(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
