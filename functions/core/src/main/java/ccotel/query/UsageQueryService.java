package ccotel.query;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.TokenAuthorizer;
import ccotel.teams.Roster;
import ccotel.teams.RosterReader;
import ccotel.teams.TeamAssignment;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/usage/claude_code} (CONTRACT §4): authorize a read token, validate the range and
 * paging, read one page of the caller's own connection, answer JSON or CSV.
 */
public final class UsageQueryService {

  public static final String PATH = "/api/usage/claude_code";
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 1000;

  private static final String JSON = "application/json";
  private static final String CSV = "text/csv; charset=utf-8";

  /**
   * User-days read at once while looking for a team's records ({@code team=}): most rows may be
   * other teams'.
   */
  static final int FILTERED_READ = 200;

  private final TokenAuthorizer authorizer;
  private final UsageReader reader;
  private final RosterReader rosters;

  /** Records without rosters: teams only from the users' own {@code team} attributes. */
  public UsageQueryService(TokenAuthorizer authorizer, UsageReader reader) {
    this(authorizer, reader, RosterReader.NONE);
  }

  public UsageQueryService(TokenAuthorizer authorizer, UsageReader reader, RosterReader rosters) {
    this.authorizer = authorizer;
    this.reader = reader;
    this.rosters = rosters;
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
    Answer answer;
    try {
      answer = read(read.connectionId(), range);
    } catch (InvalidCursorException e) {
      return QueryAnswers.badRequest("invalid page cursor: " + e.getMessage());
    } catch (UsageStoreUnavailableException e) {
      return QueryAnswers.unavailable("usage store unavailable, retry later");
    }
    List<DailyUsage> records = answer.records();
    LocalDate lastDay = answer.lastDay();
    Optional<String> nextPage =
        answer.nextCursor().map(cursor -> new Cursor(lastDay, cursor).encode());
    if (format.get() == AnswerFormat.CSV) {
      ApiResponse csv =
          ApiResponse.of(200, CSV, UsageCsv.page(records))
              .withHeader("X-Has-More", Boolean.toString(nextPage.isPresent()));
      return nextPage.isPresent() ? csv.withHeader("X-Next-Page", nextPage.get()) : csv;
    }
    return ApiResponse.of(200, JSON, UsageJson.page(records, nextPage));
  }

  /** The records of one answer, where the reader stopped, and the day of its last row read. */
  private record Answer(List<DailyUsage> records, Optional<String> nextCursor, LocalDate lastDay) {}

  /**
   * Up to {@code limit} records of the range (of {@code team=}'s, if asked) after the cursor, with
   * their teams. With a team, reads on past other teams' rows until the page is full or the range
   * ends, and stops the reader's cursor right after the page's last record, so that paging still
   * gives every record once.
   */
  private Answer read(String connectionId, Range range)
      throws InvalidCursorException, UsageStoreUnavailableException {
    Roster roster = rosters.roster(connectionId);
    List<DailyUsage> records = new ArrayList<>();
    Optional<String> cursor = range.cursor;
    // The day the answer stops at; one whose rows were all left out stops within the range too.
    LocalDate lastDay = range.days.from();
    while (true) {
      int wanted = range.limit - records.size();
      int size = range.team.isEmpty() ? wanted : Math.max(wanted, FILTERED_READ);
      List<DailyUsage> matching;
      UsagePage page;
      while (true) {
        page = reader.read(connectionId, range.days.from(), range.days.to(), size, cursor);
        matching = new ArrayList<>();
        int wantedRow = -1; // the row of the last record that fits in this answer
        for (int i = 0; i < page.rows().size(); i++) {
          DailyUsage record = TeamAssignment.assign(DailyUsage.of(page.rows().get(i)), roster);
          if (TeamAssignment.inTeam(record, range.team)) {
            matching.add(record);
            if (matching.size() == wanted) {
              wantedRow = i;
            }
          }
        }
        if (matching.size() <= wanted) {
          break;
        }
        // More than fit: read the same rows again up to the last that fits, so that the reader's
        // cursor stops right after it (fewer rows each time, so this ends).
        size = wantedRow + 1;
      }
      records.addAll(matching);
      if (!page.rows().isEmpty()) {
        lastDay = page.rows().get(page.rows().size() - 1).key().day();
      }
      cursor = page.nextCursor();
      if (cursor.isEmpty() || records.size() >= range.limit) {
        return new Answer(records, cursor, lastDay);
      }
    }
  }

  /**
   * The reader's cursor, wrapped with the day it stops at: clients treat it as opaque and cannot
   * splice in key syntax, and a cursor made for other dates is refused before the reader sees it.
   */
  private record Cursor(LocalDate day, String reader) {

    private static final String INVALID = "invalid page cursor";

    String encode() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((day + " " + reader).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String page) {
      String text;
      try {
        text = new String(Base64.getUrlDecoder().decode(page), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(INVALID, e);
      }
      int space = text.indexOf(' ');
      if (space < 0) {
        throw new IllegalArgumentException(INVALID);
      }
      try {
        return new Cursor(LocalDate.parse(text.substring(0, space)), text.substring(space + 1));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(INVALID, e);
      }
    }

    /** The reader's cursor, if this cursor was made for a page of {@code from} to {@code to}. */
    String within(LocalDate from, LocalDate to) {
      if (day.isBefore(from) || day.isAfter(to)) {
        throw new IllegalArgumentException(
            INVALID + ": it was made for other dates; ask again without page");
      }
      return reader;
    }
  }

  /** See {@link QueryAnswers#unexpectedFailure()}. */
  public static ApiResponse unexpectedFailure() {
    return QueryAnswers.unexpectedFailure();
  }

  /** The validated query parameters. */
  private record Range(DateRange days, int limit, Optional<String> cursor, Optional<String> team) {

    static Range of(ApiRequest request) {
      // Checked first, so a repeated name is named before any value is judged (a team name with a
      // comma cannot be told from a repeated team= and is refused too).
      DateRange.requireOnce(request, List.of("starting_at", "ending_at", "limit", "page", "team"));
      DateRange days = DateRange.of(request);
      int limit = request.queryParameter("limit").map(Range::limit).orElse(DEFAULT_LIMIT);
      Optional<String> cursor =
          request
              .queryParameter("page")
              .filter(p -> !p.isEmpty())
              .map(page -> Cursor.decode(page).within(days.from(), days.to()));
      return new Range(days, limit, cursor, TeamAssignment.requestedTeam(request));
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
