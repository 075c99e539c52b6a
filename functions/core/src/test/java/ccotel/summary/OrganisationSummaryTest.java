package ccotel.summary;

import static ccotel.testing.Json.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.testing.Fixtures;
import ccotel.testing.InMemoryPipeline;
import ccotel.testing.Json;
import ccotel.testing.Organisation;
import ccotel.testing.RecordSums;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The captured session replayed as an organisation (several members, days, terminals) through the
 * core pipeline: every part of the summary equals the sums of the §4 records of the same range.
 */
class OrganisationSummaryTest {

  private final List<Organisation.Member> members = Organisation.members();
  private InMemoryPipeline pipeline;
  private ConnectionAdmin.NewConnection connection;
  private LocalDate first;
  private LocalDate last;

  @BeforeEach
  void replay() throws Exception {
    pipeline = new InMemoryPipeline();
    connection = pipeline.admin.create("organisation");
    for (Fixtures.CapturedRequest request : Organisation.requests(members)) {
      ApiResponse answer = pipeline.send(request, connection.ingestToken().value());
      assertEquals(200, answer.status(), request + ": " + answer.bodyText());
    }
    pipeline.aggregateQueued();
    first = Organisation.captureDay().minusDays(5);
    last = Organisation.captureDay();
  }

  @Test
  void theRecords_areTheCapturesOnePerMemberDay() {
    List<JsonNode> expected = Organisation.expectedRecords(members);
    List<JsonNode> actual = records(first, last);

    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertJsonEquals(expected.get(i), actual.get(i));
    }
  }

  @Test
  void theWholeRange_sumsItsRecords() {
    assertSummaryIsTheRecordsSum(first.minusDays(1), last, Optional.empty());
  }

  @Test
  void aSubWindow_sumsItsRecords() {
    assertSummaryIsTheRecordsSum(first.plusDays(2), first.plusDays(4), Optional.empty());
  }

  @Test
  void teams_groupAndFilter_exactlyAsTheirRecords() throws Exception {
    // Roster names ada and Bob (any case); cy's and the anonymous member's clients send a team
    // attribute; dee has neither.
    pipeline.rosters.replace(
        connection.connection().id(),
        ccotel.teams.Roster.of(
            Map.of(
                "ada@org.example", ccotel.teams.Membership.of("platform", "eng", "cc-1"),
                "bob@org.example", ccotel.teams.Membership.of("platform", null, null))));

    assertSummaryIsTheRecordsSum(first, last, Optional.empty());
    assertSummaryIsTheRecordsSum(first, last, Optional.of("platform"));
    assertSummaryIsTheRecordsSum(first, last, Optional.of("mobile"));
    assertSummaryIsTheRecordsSum(first.plusDays(2), first.plusDays(4), Optional.of("mobile"));
    assertSummaryIsTheRecordsSum(first, last, Optional.of("nobody"));
  }

  @Test
  void teamFilter_onRecords_pagesEachOfTheTeamsRecordsOnce_inFullPages() throws Exception {
    pipeline.rosters.replace(
        connection.connection().id(),
        ccotel.teams.Roster.of(
            Map.of("dee@org.example", ccotel.teams.Membership.of("mobile", null, null))));
    List<JsonNode> all = records(first, last, Optional.empty(), 1000);

    for (String team : List.of("mobile", "platform")) {
      List<JsonNode> expected = new ArrayList<>();
      all.stream()
          .filter(r -> team.equals(r.at("/ccotel/team").asText(null)))
          .forEach(expected::add);
      for (int limit : List.of(1, 2, 3, 1000)) {
        List<JsonNode> paged = records(first, last, Optional.of(team), limit);
        assertEquals(expected, paged, team + " with limit " + limit);
      }
    }
    // cy (2 days), the anonymous member (2) by attribute, dee (2) by roster.
    assertEquals(6, records(first, last, Optional.of("mobile"), 4).size());
  }

  private void assertSummaryIsTheRecordsSum(LocalDate from, LocalDate to, Optional<String> team) {
    Map<String, String> parameters = new HashMap<>();
    parameters.put("starting_at", from.toString());
    parameters.put("ending_at", to.toString());
    team.ifPresent(t -> parameters.put("team", t));
    ApiResponse answer = pipeline.summary(connection.readToken().value(), parameters, Map.of());
    assertEquals(200, answer.status(), answer.bodyText());
    ObjectNode summary = (ObjectNode) Json.read(answer.body());
    summary.remove("last_export_at");

    assertJsonEquals(RecordSums.summary(records(from, to), from, to, team), summary);
  }

  /** Every §4 record of the range, page by page as a client reads them. */
  private List<JsonNode> records(LocalDate from, LocalDate to) {
    return records(from, to, Optional.empty(), 7);
  }

  /**
   * The §4 records of the range (of {@code team=}, if given), page by page; every page but the last
   * is full.
   */
  private List<JsonNode> records(LocalDate from, LocalDate to, Optional<String> team, int limit) {
    List<JsonNode> records = new ArrayList<>();
    String page = null;
    boolean lastWasFull = true;
    do {
      assertTrue(lastWasFull, "a page before the last held fewer than " + limit + " records");
      Map<String, String> parameters = new HashMap<>();
      parameters.put("starting_at", from.toString());
      parameters.put("ending_at", to.toString());
      parameters.put("limit", Integer.toString(limit));
      team.ifPresent(t -> parameters.put("team", t));
      if (page != null) {
        parameters.put("page", page);
      }
      ApiResponse answer = pipeline.query(connection.readToken().value(), parameters);
      assertEquals(200, answer.status(), answer.bodyText());
      JsonNode body = Json.read(answer.body());
      body.get("data").forEach(records::add);
      lastWasFull = body.get("data").size() == limit;
      page = body.get("next_page").isNull() ? null : body.get("next_page").asText();
    } while (page != null);
    return records;
  }
}
