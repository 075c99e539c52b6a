package ccotel.query;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ReadView;
import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenStoreUnavailableException;
import ccotel.identity.EmailBackfill;
import ccotel.identity.IdentityLinks;
import ccotel.teams.RosterReader;
import ccotel.teams.TeamAssignment;
import ccotel.views.ActorDisplay;
import ccotel.views.PseudonymKeys;
import ccotel.views.ReadViews;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/usage/claude_code} (CONTRACT §4): authorize a read token, validate the range and
 * paging, read one page of the caller's own connection as reported (e-mail backfill, then the
 * token's view), answer JSON or CSV.
 */
public final class UsageQueryService {

  public static final String PATH = "/api/usage/claude_code";
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 1000;

  private static final String JSON = "application/json";
  private static final String CSV = "text/csv; charset=utf-8";

  private final TokenAuthorizer authorizer;
  private final ReportedPages pages;
  private final RosterReader rosters;
  private final ReadViews views;

  /** Records as stored: no identity links, rosters or pseudonymous tokens. */
  public UsageQueryService(TokenAuthorizer authorizer, UsageReader reader) {
    this(authorizer, reader, IdentityLinks.NONE, RosterReader.NONE, PseudonymKeys.NONE);
  }

  public UsageQueryService(
      TokenAuthorizer authorizer,
      UsageReader reader,
      IdentityLinks links,
      RosterReader rosters,
      PseudonymKeys pseudonymKeys) {
    this.authorizer = authorizer;
    this.pages = new ReportedPages(reader, new EmailBackfill(links));
    this.rosters = rosters;
    this.views = new ReadViews(pseudonymKeys);
  }

  public ApiResponse query(ApiRequest request) {
    QueryAnswers.Read read = QueryAnswers.read(request, PATH, "usage", authorizer);
    if (read.refused()) {
      return read.refusal();
    }

    Optional<AnswerFormat> format = AnswerFormat.negotiate(request.header("accept"));
    if (format.isEmpty()) {
      return QueryAnswers.error(
          406,
          "invalid_request_error",
          "not acceptable: this API answers " + JSON + " or text/csv; ask for either in Accept");
    }
    Range range;
    try {
      range = Range.of(request);
    } catch (IllegalArgumentException e) {
      return QueryAnswers.badRequest(e.getMessage());
    }
    if (read.view() == ReadView.AGGREGATE) {
      return QueryAnswers.error(403, "permission_error", ReadViews.AGGREGATE_HAS_NO_RECORDS);
    }
    ReportedPages.Page page;
    ActorDisplay display;
    try {
      Optional<ActorDisplay> shown = views.display(read.view(), read.connectionId());
      if (shown.isEmpty()) {
        return QueryAnswers.error(403, "permission_error", ReadViews.NO_PSEUDONYM_KEY);
      }
      display = shown.get();
      page =
          pages.read(
              read.connectionId(),
              range.days.from(),
              range.days.to(),
              range.limit,
              range.start,
              display,
              rosters.roster(read.connectionId()),
              range.team);
    } catch (UsageStoreUnavailableException | TokenStoreUnavailableException e) {
      return QueryAnswers.unavailable("usage store unavailable, retry later");
    }
    Optional<String> nextPage = page.next().map(Cursor::encode);
    if (format.get() == AnswerFormat.CSV) {
      ApiResponse csv =
          ApiResponse.of(200, CSV, UsageCsv.page(page.records(), display))
              .withHeader("X-Has-More", Boolean.toString(nextPage.isPresent()));
      return nextPage.isPresent() ? csv.withHeader("X-Next-Page", nextPage.get()) : csv;
    }
    return ApiResponse.of(200, JSON, UsageJson.page(page.records(), nextPage, display));
  }

  /**
   * Where the next page starts (a date, and the view's position of the last record served on it),
   * base64url-encoded: clients treat it as opaque, and a cursor made for other dates is refused. A
   * pseudonymous answer's cursor holds a pseudonym, never an e-mail.
   */
  private static final class Cursor {

    private static final String INVALID = "invalid page cursor";

    private Cursor() {}

    static String encode(ReportedPages.Position position) {
      String text = position.day() + position.after().map(after -> " " + after).orElse("");
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The position {@code page} names, if it was made for a page of {@code from} to {@code to}. */
    static ReportedPages.Position decode(String page, LocalDate from, LocalDate to) {
      String text;
      try {
        text = new String(Base64.getUrlDecoder().decode(page), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(INVALID, e);
      }
      int space = text.indexOf(' ');
      LocalDate day;
      try {
        day = LocalDate.parse(space < 0 ? text : text.substring(0, space));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(INVALID, e);
      }
      if (day.isBefore(from) || day.isAfter(to)) {
        throw new IllegalArgumentException(
            INVALID + ": it was made for other dates; ask again without page");
      }
      return new ReportedPages.Position(
          day, space < 0 ? Optional.empty() : Optional.of(text.substring(space + 1)));
    }
  }

  /** See {@link QueryAnswers#unexpectedFailure()}. */
  public static ApiResponse unexpectedFailure() {
    return QueryAnswers.unexpectedFailure();
  }

  /** The validated query parameters. */
  private record Range(
      DateRange days, int limit, Optional<ReportedPages.Position> start, Optional<String> team) {

    static Range of(ApiRequest request) {
      // Checked first, so a repeated name is named before any value is judged.
      // A team name with a comma cannot be told from a repeated team= and is refused too.
      DateRange.requireOnce(request, List.of("starting_at", "ending_at", "limit", "page", "team"));
      DateRange days = DateRange.of(request);
      int limit = request.queryParameter("limit").map(Range::limit).orElse(DEFAULT_LIMIT);
      Optional<ReportedPages.Position> start =
          request
              .queryParameter("page")
              .filter(p -> !p.isEmpty())
              .map(page -> Cursor.decode(page, days.from(), days.to()));
      return new Range(days, limit, start, TeamAssignment.requestedTeam(request));
    }

    private static int limit(String value) {
      int limit;
      try {
        limit = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "limit must be a whole number from 1 to " + MAX_LIMIT, e);
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT);
      }
      return limit;
    }
  }
}
