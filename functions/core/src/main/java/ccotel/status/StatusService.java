package ccotel.status;

import ccotel.activity.ActivityReader;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.TokenAuthorizer;
import ccotel.query.AnswerFormat;
import ccotel.query.QueryAnswers;
import ccotel.query.UsageJson;
import ccotel.teams.RosterReader;
import java.time.Clock;
import java.time.format.DateTimeFormatter;

/**
 * {@code GET /api/usage/claude_code/status} with a read token: {@link ConnectionStatus} as JSON.
 */
public final class StatusService {

  public static final String PATH = "/api/usage/claude_code/status";

  private final TokenAuthorizer authorizer;
  private final ActivityReader activity;
  private final RosterReader rosters;
  private final Clock clock;

  public StatusService(
      TokenAuthorizer authorizer, ActivityReader activity, RosterReader rosters, Clock clock) {
    this.authorizer = authorizer;
    this.activity = activity;
    this.rosters = rosters;
    this.clock = clock;
  }

  public ApiResponse status(ApiRequest request) {
    QueryAnswers.Read read = QueryAnswers.read(request, PATH, "the status", authorizer);
    if (read.refused()) {
      return read.refusal();
    }
    if (!AnswerFormat.JSON.acceptedBy(request.header("accept"))) {
      return QueryAnswers.error(
          406, "invalid_request_error", "not acceptable: the status answers application/json only");
    }
    ConnectionStatus status;
    try {
      status = ConnectionStatus.read(read.connectionId(), activity, rosters, clock);
    } catch (UsageStoreUnavailableException e) {
      return QueryAnswers.unavailable("usage store unavailable, retry later");
    }
    return ApiResponse.of(200, "application/json", json(status));
  }

  /** The CONTRACT §8 shape, which the admin CLI prints too. */
  public static byte[] json(ConnectionStatus status) {
    return UsageJson.write(
        json -> {
          json.writeStartObject();
          if (status.lastExportAt().isPresent()) {
            json.writeStringField(
                "last_export_at",
                DateTimeFormatter.ISO_INSTANT.format(status.lastExportAt().get()));
          } else {
            json.writeNullField("last_export_at");
          }
          json.writeNumberField("exports_last_24h", status.exportsLast24h());
          json.writeNumberField("active_users_last_7d", status.activeUsersLast7d());
          json.writeArrayFieldStart("silent_users");
          for (ConnectionStatus.SilentUser user : status.silentUsers()) {
            json.writeStartObject();
            json.writeStringField("email", user.email());
            json.writeStringField("team", user.team().orElse(null));
            json.writeStringField(
                "last_active", user.lastActive().map(Object::toString).orElse(null));
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeEndObject();
        });
  }
}
