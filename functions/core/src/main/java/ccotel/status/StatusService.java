package ccotel.status;

import ccotel.activity.ActivityReader;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ReadView;
import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenStoreUnavailableException;
import ccotel.query.AnswerFormat;
import ccotel.query.QueryAnswers;
import ccotel.query.UsageJson;
import ccotel.teams.RosterReader;
import ccotel.usage.UserIdentity;
import ccotel.views.ActorDisplay;
import ccotel.views.PseudonymKeys;
import ccotel.views.ReadViews;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * {@code GET /api/usage/claude_code/status} with a read token: {@link ConnectionStatus} as JSON.
 */
public final class StatusService {

  public static final String PATH = "/api/usage/claude_code/status";

  private final TokenAuthorizer authorizer;
  private final ActivityReader activity;
  private final RosterReader rosters;
  private final ReadViews views;
  private final Clock clock;

  public StatusService(
      TokenAuthorizer authorizer,
      ActivityReader activity,
      RosterReader rosters,
      PseudonymKeys pseudonymKeys,
      Clock clock) {
    this.authorizer = authorizer;
    this.activity = activity;
    this.rosters = rosters;
    this.views = new ReadViews(pseudonymKeys);
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
    ActorDisplay display;
    try {
      Optional<ActorDisplay> shown = views.display(read.view(), read.connectionId());
      if (shown.isEmpty()) {
        return QueryAnswers.error(403, "permission_error", ReadViews.NO_PSEUDONYM_KEY);
      }
      display = shown.get();
      status = ConnectionStatus.read(read.connectionId(), activity, rosters, clock);
    } catch (UsageStoreUnavailableException | TokenStoreUnavailableException e) {
      return QueryAnswers.unavailable("usage store unavailable, retry later");
    }
    return ApiResponse.of(200, "application/json", json(status, read.view(), display));
  }

  /** The CONTRACT §8 shape, as a full read token sees it; the admin CLI prints it too. */
  public static byte[] json(ConnectionStatus status) {
    return json(status, ReadView.FULL, null);
  }

  /**
   * The CONTRACT §8 shape as {@code view} may see it: a pseudonymous token gets each silent
   * member's pseudonym instead of the e-mail; an aggregate token only how many there are.
   */
  private static byte[] json(ConnectionStatus status, ReadView view, ActorDisplay display) {
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
          json.writeStringField("view", view.label());
          if (view == ReadView.AGGREGATE) {
            json.writeNumberField("silent_user_count", status.silentUsers().size());
            json.writeEndObject();
            return;
          }
          json.writeArrayFieldStart("silent_users");
          for (ConnectionStatus.SilentUser user : status.silentUsers()) {
            json.writeStartObject();
            if (view == ReadView.PSEUDONYMOUS) {
              json.writeStringField(
                  "pseudonym", display.position(UserIdentity.email(user.email())));
            } else {
              json.writeStringField("email", user.email());
            }
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
