package ccotel.query;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenScope;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
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

  /** The longest range one request may span, so a page never scans years of days. */
  static final int MAX_RANGE_DAYS = 366;

  /** No usage is older: ingest refuses timestamps before 2020. */
  static final LocalDate FIRST_DAY = LocalDate.of(2020, 1, 1);

  /** Stored days are keyed YYYY-MM-DD, which sorts as dates only with four-digit years. */
  static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);

  private static final String JSON = "application/json";
  private static final String CSV = "text/csv; charset=utf-8";

  private final TokenAuthorizer authorizer;
  private final UsageReader reader;

  public UsageQueryService(TokenAuthorizer authorizer, UsageReader reader) {
    this.authorizer = authorizer;
    this.reader = reader;
  }

  public ApiResponse query(ApiRequest request) {
    if (!PATH.equals(request.path())) {
      return error(404, "not_found_error", "no such path; usage is at " + PATH);
    }
    if (!"GET".equals(request.method())) {
      return error(405, "invalid_request_error", "method not allowed; use GET")
          .withHeader("Allow", "GET");
    }
    TokenAuthorizer.Authorization authorization =
        authorizer.authorize(request.header("authorization"), TokenScope.READ);
    switch (authorization.verdict()) {
      case UNAUTHENTICATED -> {
        return error(401, "authentication_error", authorization.message())
            .withHeader("WWW-Authenticate", "Bearer");
      }
      case WRONG_SCOPE -> {
        return error(403, "permission_error", authorization.message());
      }
      case UNAVAILABLE -> {
        return unavailable(authorization.message());
      }
      case GRANTED -> {
        // go on
      }
    }

    Optional<AnswerFormat> format = AnswerFormat.negotiate(request.header("accept"));
    if (format.isEmpty()) {
      return error(
          406,
          "invalid_request_error",
          "not acceptable: this API answers " + JSON + " or text/csv; ask for either in Accept");
    }
    Range range;
    try {
      range = Range.of(request);
    } catch (IllegalArgumentException e) {
      return error(400, "invalid_request_error", e.getMessage());
    }
    UsagePage page;
    try {
      page =
          reader.read(
              authorization.connectionId(), range.from, range.to, range.limit, range.cursor);
    } catch (InvalidCursorException e) {
      return error(400, "invalid_request_error", "invalid page cursor: " + e.getMessage());
    } catch (UsageStoreUnavailableException e) {
      return unavailable("usage store unavailable, retry later");
    }
    List<DailyUsage> records = new ArrayList<>(page.rows().size());
    for (StoredUsage row : page.rows()) {
      records.add(DailyUsage.of(row));
    }
    // The day the page stops at; a page whose rows were all left out stops within the range too.
    LocalDate lastDay =
        page.rows().isEmpty() ? range.from : page.rows().get(page.rows().size() - 1).key().day();
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

  private static ApiResponse error(int status, String type, String message) {
    return ApiResponse.of(status, JSON, UsageJson.error(type, message));
  }

  /**
   * The answer to a request that failed in a way nobody foresaw: a defect, not an outage, so 500
   * (retrying the same request would fail the same way), in the API's error format.
   */
  public static ApiResponse unexpectedFailure() {
    return error(500, "api_error", "internal error; the service has logged it");
  }

  private static ApiResponse unavailable(String message) {
    return error(503, "api_error", message).withHeader("Retry-After", "5");
  }

  /** The validated query parameters. */
  private record Range(LocalDate from, LocalDate to, int limit, Optional<String> cursor) {

    /** Parameters API Gateway may hand over joined with commas, as a repeated name arrives. */
    private static final List<String> SINGLE_VALUED =
        List.of("starting_at", "ending_at", "limit", "page");

    static Range of(ApiRequest request) {
      for (String name : SINGLE_VALUED) {
        // None of their values has a comma, so one means the name was given more than once.
        if (request.queryParameter(name).filter(v -> v.contains(",")).isPresent()) {
          throw new IllegalArgumentException(name + " must be given once");
        }
      }
      LocalDate from =
          date(
              "starting_at",
              request
                  .queryParameter("starting_at")
                  .orElseThrow(
                      () -> new IllegalArgumentException("starting_at (YYYY-MM-DD) is required")));
      LocalDate to =
          request.queryParameter("ending_at").map(v -> date("ending_at", v)).orElse(from);
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("ending_at must not be before starting_at");
      }
      if (ChronoUnit.DAYS.between(from, to) >= MAX_RANGE_DAYS) {
        throw new IllegalArgumentException(
            "a range spans at most " + MAX_RANGE_DAYS + " days; page through longer periods");
      }
      int limit = request.queryParameter("limit").map(Range::limit).orElse(DEFAULT_LIMIT);
      Optional<String> cursor =
          request
              .queryParameter("page")
              .filter(p -> !p.isEmpty())
              .map(page -> Cursor.decode(page).within(from, to));
      return new Range(from, to, limit, cursor);
    }

    private static LocalDate date(String name, String value) {
      LocalDate date;
      try {
        date = LocalDate.parse(value);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            name + " must be a date YYYY-MM-DD, got '" + value + "'", e);
      }
      if (date.isBefore(FIRST_DAY) || date.isAfter(LAST_DAY)) {
        throw new IllegalArgumentException(
            name
                + " must be a date from "
                + FIRST_DAY
                + " to "
                + LAST_DAY
                + ", got '"
                + value
                + "'");
      }
      return date;
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
