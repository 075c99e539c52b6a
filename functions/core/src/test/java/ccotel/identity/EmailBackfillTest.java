package ccotel.identity;

import static ccotel.testing.OtlpRequests.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.ingest.QueuedExport;
import ccotel.query.StoredUsage;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import ccotel.testing.OtlpRequests;
import ccotel.testing.QueuedExports;
import ccotel.usage.Counter;
import ccotel.usage.CounterFamily;
import ccotel.usage.UserIdentity;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * E-mail backfill at read time (CONTRACT §7): account-id and user-id days merge into their linked
 * e-mail exactly, on past days too, follow a link that changes, and never rewrite stored rows.
 */
class EmailBackfillTest {

  private static final String ACCOUNT = "acc-ada-0001";

  private final InMemoryPipeline pipeline = new InMemoryPipeline();
  private String connection;
  private String readToken;

  @BeforeEach
  void connect() {
    ConnectionAdmin.NewConnection created = pipeline.admin.create("acme");
    connection = created.connection().id();
    readToken = created.readToken().value();
  }

  /** What Claude Code sends before and after the user set user.email. */
  private void sendTheStory() throws Exception {
    // 19th: only the account id (no e-mail that day at all).
    metrics(null, "2026-11-19T09:00:00Z", "claude_code.commit.count", 5);
    // 20th, morning: only the account id; tokens and cost from api_request events.
    metrics(null, "2026-11-20T08:00:00Z", "claude_code.commit.count", 2);
    aggregate(
        QueuedExports.logs(
            connection,
            OtlpRequests.logs(null)
                .event(
                    "api_request",
                    nanos("2026-11-20T08:01:00Z"),
                    "user.account_uuid",
                    ACCOUNT,
                    "model",
                    "claude-m1",
                    "input_tokens",
                    "100",
                    "cost_usd",
                    "0.5")
                .build()
                .toByteArray()));
    // 20th, later: the e-mail next to the account id (the link), tokens and cost from metrics.
    metrics("ada@acme.example", "2026-11-20T10:00:00Z", "claude_code.commit.count", 3);
    metrics(
        "ada@acme.example",
        "2026-11-20T10:00:00Z",
        "claude_code.token.usage",
        40,
        "type",
        "input",
        "model",
        "claude-m1");
    metrics(
        "ada@acme.example",
        "2026-11-20T10:00:00Z",
        "claude_code.cost.usage",
        0.25,
        "model",
        "claude-m1");
    // Someone never linked: stays as counted.
    aggregate(
        QueuedExports.metrics(
            connection,
            OtlpRequests.metrics(null)
                .resource("user.id", "uid-bob")
                .delta("claude_code.commit.count", nanos("2026-11-20T11:00:00Z"), 7)
                .build()
                .toByteArray()));
  }

  private void metrics(String email, String at, String metric, double value, String... attributes)
      throws Exception {
    aggregate(
        QueuedExports.metrics(
            connection,
            OtlpRequests.metrics(email)
                .resource("user.account_uuid", ACCOUNT)
                .delta(metric, nanos(at), value, attributes)
                .build()
                .toByteArray()));
  }

  private void aggregate(QueuedExport export) throws Exception {
    pipeline.aggregation.aggregate(export);
  }

  private JsonNode records(String from, String to, int limit) {
    ApiResponse answer =
        pipeline.query(
            readToken, Map.of("starting_at", from, "ending_at", to, "limit", "" + limit));
    assertEquals(200, answer.status(), answer.bodyText());
    return Json.read(answer.body());
  }

  @Test
  void idOnlyDays_mergeIntoTheLinkedEmail_exactly_onPastDaysToo() throws Exception {
    sendTheStory();

    JsonNode data = records("2026-11-19", "2026-11-20", 100).get("data");

    assertEquals(3, data.size(), data.toString());
    JsonNode past = data.get(0);
    assertEquals("2026-11-19T00:00:00Z", past.get("date").asText());
    assertEquals("ada@acme.example", past.at("/actor/email_address").asText());
    assertEquals(5, past.at("/core_metrics/commits_by_claude_code").asLong());
    JsonNode merged = data.get(1);
    assertEquals("2026-11-20T00:00:00Z", merged.get("date").asText());
    assertEquals("ada@acme.example", merged.at("/actor/email_address").asText());
    assertEquals(5, merged.at("/core_metrics/commits_by_claude_code").asLong());
    // Metrics arrived for claude-m1 on the merged user-day: its tokens and cost come from them
    // only, as if everything had been counted under the e-mail (not 40 + 100 tokens).
    assertEquals(1, merged.get("model_breakdown").size());
    JsonNode model = merged.at("/model_breakdown/0");
    assertEquals("claude-m1", model.get("model").asText());
    assertEquals(40, model.at("/tokens/input").asLong());
    assertEquals(
        0,
        model.at("/estimated_cost/amount").decimalValue().compareTo(new java.math.BigDecimal(25)));
    JsonNode bob = data.get(2);
    assertEquals("uid-bob", bob.at("/actor/user_id").asText());
    assertTrue(bob.at("/actor/email_address").isNull());
    assertEquals(7, bob.at("/core_metrics/commits_by_claude_code").asLong());

    // The summary sums the same merged records.
    JsonNode summary =
        Json.read(
            pipeline
                .summary(
                    readToken,
                    Map.of("starting_at", "2026-11-19", "ending_at", "2026-11-20"),
                    Map.of())
                .body());
    assertEquals(2, summary.at("/totals/active_users").asLong());
    assertEquals(17, summary.at("/totals/commits").asLong());
    JsonNode ada = summary.at("/by_user/0");
    assertEquals("ada@acme.example", ada.at("/actor/email_address").asText());
    assertEquals(10, ada.get("commits").asLong());
    assertEquals(2, ada.get("active_days").asLong());
    assertEquals(40, summary.at("/totals/tokens/input").asLong());
  }

  @Test
  void aLinkThatChanges_changesTheReport_notTheStoredRows() throws Exception {
    sendTheStory();
    List<StoredUsage> before = storedRows("2026-11-19", "2026-11-20");

    // The account is now seen with another e-mail: the newest link wins.
    metrics("ada@new.example", "2026-11-21T09:00:00Z", "claude_code.commit.count", 1);

    JsonNode data = records("2026-11-19", "2026-11-20", 100).get("data");
    assertEquals(4, data.size(), data.toString());
    assertEquals("ada@new.example", data.at("/0/actor/email_address").asText());
    assertEquals(5, data.at("/0/core_metrics/commits_by_claude_code").asLong());
    // The 20th: what was counted under the account moves to the new e-mail; what was counted
    // under the old e-mail stays there.
    assertEquals("ada@acme.example", data.at("/1/actor/email_address").asText());
    assertEquals(3, data.at("/1/core_metrics/commits_by_claude_code").asLong());
    assertEquals(40, data.at("/1/model_breakdown/0/tokens/input").asLong());
    assertEquals("ada@new.example", data.at("/2/actor/email_address").asText());
    assertEquals(2, data.at("/2/core_metrics/commits_by_claude_code").asLong());
    assertEquals(100, data.at("/2/model_breakdown/0/tokens/input").asLong());
    assertEquals("uid-bob", data.at("/3/actor/user_id").asText());

    List<StoredUsage> after = storedRows("2026-11-19", "2026-11-20");
    assertEquals(before, after, "stored counters are never rewritten");
    Set<UserIdentity> storedUsers = new HashSet<>();
    after.forEach(row -> storedUsers.add(row.key().user()));
    assertTrue(storedUsers.contains(UserIdentity.accountUuid(ACCOUNT)));
    assertFalse(storedUsers.contains(UserIdentity.email("ada@new.example")));
  }

  @Test
  void pages_serveEveryMergedRecordOnce_withAnyLimit() throws Exception {
    // Many users, some linked (their id rows sort far from their e-mail), over three days.
    for (int u = 0; u < 9; u++) {
      String account = "acc-" + (char) ('z' - u);
      String email = "u" + u + "@acme.example";
      for (int d = 0; d < 3; d++) {
        String day = "2026-11-2" + d;
        if (u % 3 != 0) {
          idOnly(account, day + "T08:00:00Z", u + d + 1);
        }
        if (u % 2 == 0 || d == 2) {
          aggregate(
              QueuedExports.metrics(
                  connection,
                  OtlpRequests.metrics(email)
                      .resource("user.account_uuid", account)
                      .delta("claude_code.commit.count", nanos(day + "T12:00:00Z"), 10 * u + d)
                      .build()
                      .toByteArray()));
        }
      }
    }
    JsonNode whole = records("2026-11-20", "2026-11-22", 1000);
    assertFalse(whole.get("has_more").asBoolean());

    for (int limit = 1; limit <= 12; limit++) {
      List<JsonNode> paged = allPages(limit);
      assertEquals(whole.get("data").size(), paged.size(), "limit " + limit);
      for (int i = 0; i < paged.size(); i++) {
        Json.assertJsonEquals(whole.get("data").get(i), paged.get(i));
      }
    }
    // Every stored commit is reported once, under whoever it is reported for.
    long stored = 0;
    for (StoredUsage row : storedRows("2026-11-20", "2026-11-22")) {
      stored += row.get(Counter.of(CounterFamily.COMMITS));
    }
    long reported = 0;
    for (JsonNode record : whole.get("data")) {
      reported += record.at("/core_metrics/commits_by_claude_code").asLong();
    }
    assertEquals(stored, reported);
    assertTrue(
        storedRows("2026-11-20", "2026-11-22").size() > whole.get("data").size(),
        "some rows merged");
  }

  private List<JsonNode> allPages(int limit) {
    List<JsonNode> paged = new ArrayList<>();
    Optional<String> page = Optional.empty();
    do {
      Map<String, String> parameters =
          new HashMap<>(
              Map.of("starting_at", "2026-11-20", "ending_at", "2026-11-22", "limit", "" + limit));
      page.ifPresent(p -> parameters.put("page", p));
      JsonNode answer = Json.read(pipeline.query(readToken, parameters).body());
      answer.get("data").forEach(paged::add);
      page =
          answer.get("has_more").asBoolean()
              ? Optional.of(answer.get("next_page").asText())
              : Optional.empty();
      if (page.isPresent()) {
        assertEquals(limit, answer.get("data").size(), "only the last page is short");
      } else {
        assertTrue(answer.get("next_page").isNull());
      }
    } while (page.isPresent());
    return paged;
  }

  private void idOnly(String account, String at, long commits) throws Exception {
    aggregate(
        QueuedExports.metrics(
            connection,
            OtlpRequests.metrics(null)
                .resource("user.account_uuid", account)
                .delta("claude_code.commit.count", nanos(at), (double) commits)
                .build()
                .toByteArray()));
  }

  private List<StoredUsage> storedRows(String from, String to) throws Exception {
    return pipeline
        .store
        .read(connection, LocalDate.parse(from), LocalDate.parse(to), 1000, Optional.empty())
        .rows();
  }
}
