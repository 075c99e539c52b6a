package ccotel.query;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.TokenAuthorizer;
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

  private final TokenAuthorizer authorizer;
  private final UsageReader reader;

  public UsageQueryService(TokenAuthorizer authorizer, UsageReader reader) {
    this.authorizer = authorizer;
    this.reader = reader;
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
    UsagePage page;
    try {
      page =
          reader.read(
              read.connectionId(), range.days.from(), range.days.to(), range.limit, range.cursor);
    } catch (InvalidCursorException e) {
      return QueryAnswers.badRequest("invalid page cursor: " + e.getMessage());
    } catch (UsageStoreUnavailableException e) {
      return QueryAnswers.unavailable("usage store unavailable, retry later");
    }
    List<DailyUsage> records = new ArrayList<>(page.rows().size());
    for (StoredUsage row : page.rows()) {
      records.add(DailyUsage.of(row));
    }
    // The day the page stops at; a page whose rows were all left out stops within the range too.
    LocalDate lastDay =
        page.rows().isEmpty()
            ? range.days.from()
            : page.rows().get(page.rows().size() - 1).key().day();
    Optional<String> nextPage =
        page.nextCursor().map(cursor -> new Cursor(lastDay, cursor).encode());
    if (format.get() == AnswerFormat.CSV) {
      ApiResponse csv =
          ApiResponse.of(200, CSV, UsageCsv.page(records))
              .withHeader("X-Has-More", Boolean.toString(nextPage.isPresent()));
      return nextPage.isPresent() ? csv.withHeader("X-Next-Page", nextPage.get()) : csv;
    }
    return ApiResponse.of(200, JSON, UsageJson.page(records, nextPage));
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
  private record Range(DateRange days, int limit, Optional<String> cursor) {

    static Range of(ApiRequest request) {
      // Checked first, so a repeated name is named before any value is judged.
      DateRange.requireOnce(request, List.of("starting_at", "ending_at", "limit", "page"));
      DateRange days = DateRange.of(request);
      int limit = request.queryParameter("limit").map(Range::limit).orElse(DEFAULT_LIMIT);
      Optional<String> cursor =
          request
              .queryParameter("page")
              .filter(p -> !p.isEmpty())
              .map(page -> Cursor.decode(page).within(days.from(), days.to()));
      return new Range(days, limit, cursor);
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
