package ccotel.status;

import static ccotel.testing.Json.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.InMemoryConnectionRegistry;
import ccotel.auth.PseudonymKey;
import ccotel.auth.ReadView;
import ccotel.auth.TokenAuthorizer;
import ccotel.teams.Membership;
import ccotel.teams.Roster;
import ccotel.testing.InMemoryActivity;
import ccotel.testing.Json;
import ccotel.testing.MutableClock;
import ccotel.usage.UserIdentity;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status endpoint: CONTRACT §8's shape, for the read token's connection only. */
class StatusServiceTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:20:00Z"));
  private final InMemoryConnectionRegistry registry = new InMemoryConnectionRegistry(clock);
  private final ConnectionAdmin admin = new ConnectionAdmin(registry, clock);
  private final InMemoryActivity activity = new InMemoryActivity();
  private final ConnectionAdmin.NewConnection ours = admin.create("ours");
  private final ConnectionAdmin.NewConnection theirs = admin.create("theirs");
  private final StatusService service =
      new StatusService(
          new TokenAuthorizer(registry),
          activity,
          connectionId ->
              connectionId.equals(ours.connection().id())
                  ? Roster.of(
                      Map.of(
                          "ada@org.example", Membership.of("payments", null, null),
                          "bob@org.example", Membership.of(null, "eng", "cc-1")))
                  : Roster.EMPTY,
          connectionId -> registry.pseudonymKey(connectionId).map(PseudonymKey::bytes),
          clock);

  @Test
  void answersTheContractShape_forTheTokensConnection() throws Exception {
    String id = ours.connection().id();
    activity.exportReceived(id, Instant.parse("2026-11-30T10:05:00.125Z"));
    activity.exportsCounted(id, Map.of(Instant.parse("2026-11-30T09:00:00Z"), 42));
    activity.usersActive(
        id,
        Map.of(
            UserIdentity.email("ada@org.example"), LocalDate.parse("2026-11-29"),
            UserIdentity.email("bob@org.example"), LocalDate.parse("2026-11-01"),
            UserIdentity.accountUuid("acc-1"), LocalDate.parse("2026-11-30")));
    // Another connection's activity is never ours.
    activity.exportsCounted(
        theirs.connection().id(), Map.of(Instant.parse("2026-11-30T10:00:00Z"), 7));

    ApiResponse answer = service.status(get(ours.readToken().value()));

    assertEquals(200, answer.status(), answer.bodyText());
    assertJsonEquals(
        Json.read(
            ("{\"view\":\"full\",\"last_export_at\":\"2026-11-30T10:05:00.125Z\",\"exports_last_24h\":42,"
                    + "\"active_users_last_7d\":2,\"silent_users\":[{\"email\":\"bob@org.example\","
                    + "\"team\":null,\"last_active\":\"2026-11-01\"}]}")
                .getBytes()),
        Json.read(answer.body()));
  }

  @Test
  void beforeAnyExport_nullAndZeros_andTheWholeRosterSilent() throws Exception {
    ApiResponse answer = service.status(get(ours.readToken().value()));

    assertJsonEquals(
        Json.read(
            ("{\"view\":\"full\",\"last_export_at\":null,\"exports_last_24h\":0,\"active_users_last_7d\":0,"
                    + "\"silent_users\":[{\"email\":\"ada@org.example\",\"team\":\"payments\","
                    + "\"last_active\":null},{\"email\":\"bob@org.example\",\"team\":null,"
                    + "\"last_active\":null}]}")
                .getBytes()),
        Json.read(answer.body()));
  }

  @Test
  void aPseudonymousToken_seesPseudonyms_andAnAggregateOne_onlyHowManyAreSilent() throws Exception {
    String id = ours.connection().id();
    String pseudonymous = admin.addReadToken(id, ReadView.PSEUDONYMOUS).value();
    String aggregate = admin.addReadToken(id, ReadView.AGGREGATE).value();

    ApiResponse hidden = service.status(get(pseudonymous));
    ApiResponse counted = service.status(get(aggregate));

    assertEquals(200, hidden.status(), hidden.bodyText());
    JsonNode silent = Json.read(hidden.body()).get("silent_users");
    assertEquals(2, silent.size());
    for (JsonNode user : silent) {
      assertTrue(user.get("pseudonym").asText().matches("p_[0-9a-f]{16}"), user.toString());
      assertFalse(user.has("email"));
    }
    assertNotEquals(silent.get(0).get("pseudonym"), silent.get(1).get("pseudonym"));
    assertFalse(hidden.bodyText().contains("@"), hidden.bodyText());
    assertJsonEquals(
        Json.read(
            ("{\"view\":\"aggregate\",\"last_export_at\":null,\"exports_last_24h\":0,"
                    + "\"active_users_last_7d\":0,\"silent_user_count\":2}")
                .getBytes()),
        Json.read(counted.body()));
  }

  @Test
  void refusesWhatEveryReadEndpointRefuses() {
    assertEquals(401, service.status(get("ccotel_read_nobodyHasThis")).status());
    assertEquals(403, service.status(get(ours.ingestToken().value())).status());
    ApiResponse post =
        service.status(
            new ApiRequest(
                "POST",
                StatusService.PATH,
                Map.of("Authorization", "Bearer " + ours.readToken().value()),
                Map.of(),
                new byte[0]));
    assertEquals(405, post.status());
    ApiResponse csv =
        service.status(
            new ApiRequest(
                "GET",
                StatusService.PATH,
                Map.of("Authorization", "Bearer " + ours.readToken().value(), "Accept", "text/csv"),
                Map.of(),
                new byte[0]));
    assertEquals(406, csv.status());
  }

  private static ApiRequest get(String token) {
    return new ApiRequest(
        "GET",
        StatusService.PATH,
        Map.of("Authorization", "Bearer " + token),
        Map.of(),
        new byte[0]);
  }
}
