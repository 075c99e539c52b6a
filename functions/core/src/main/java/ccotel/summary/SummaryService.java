package ccotel.summary;

import ccotel.activity.LastExportReader;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.TokenAuthorizer;
import ccotel.query.AnswerFormat;
import ccotel.query.DailyUsage;
import ccotel.query.DateRange;
import ccotel.query.QueryAnswers;
import ccotel.query.StoredUsage;
import ccotel.query.UsageRangeReader;
import ccotel.query.UsageReader;
import ccotel.teams.RosterReader;
import ccotel.teams.TeamAssignment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/usage/claude_code/summary} (CONTRACT §5): authorize a read token, validate the
 * range as §4 does, read every user-day of it, sum them, answer JSON.
 */
public final class SummaryService {

  public static final String PATH = "/api/usage/claude_code/summary";

  /** User-days read per call to the reader (the §4 API's largest page). */
  static final int READ_PAGE = 1000;

  private static final String JSON = "application/json";

  private final TokenAuthorizer authorizer;
  private final UsageRangeReader reader;
  private final RosterReader rosters;
  private final LastExportReader lastExport;

  /** A summary that reads the range with {@code reader}'s pages, one after another. */
  public SummaryService(
      TokenAuthorizer authorizer,
      UsageReader reader,
      RosterReader rosters,
      LastExportReader lastExport) {
    this(authorizer, UsageRangeReader.paging(reader, READ_PAGE), rosters, lastExport);
  }

  /** A summary that reads the range with {@code reader} (in AWS: a Query per day, in parallel). */
  public SummaryService(
      TokenAuthorizer authorizer,
      UsageRangeReader reader,
      RosterReader rosters,
      LastExportReader lastExport) {
    this.authorizer = authorizer;
    this.reader = reader;
    this.rosters = rosters;
    this.lastExport = lastExport;
  }

  public ApiResponse summarize(ApiRequest request) {
    QueryAnswers.Read read = QueryAnswers.read(request, PATH, "the summary", authorizer);
    if (read.refused()) {
      return read.refusal();
    }
    if (!AnswerFormat.JSON.acceptedBy(request.header("accept"))) {
      return QueryAnswers.error(
          406,
          "invalid_request_error",
          "not acceptable: the summary answers "
              + JSON
              + " only (the usage records at /api/usage/claude_code also answer text/csv)");
    }
    DateRange range;
    Optional<String> team;
    try {
      // Checked first, so a repeated name is named before any value is judged. A team name with a
      // comma cannot be told from a repeated team= and is refused too.
      DateRange.requireOnce(request, List.of("starting_at", "ending_at", "team"));
      range = DateRange.of(request);
      team = TeamAssignment.requestedTeam(request);
    } catch (IllegalArgumentException e) {
      return QueryAnswers.badRequest(e.getMessage());
    }
    String connectionId = read.connectionId();
    List<DailyUsage> records;
    Optional<Instant> lastExportAt;
    try {
      records = TeamAssignment.assign(readAll(connectionId, range), rosters.roster(connectionId));
      lastExportAt = lastExport.lastExportAt(connectionId);
    } catch (UsageStoreUnavailableException e) {
      return QueryAnswers.unavailable("usage store unavailable, retry later");
    }
    UsageSummary summary;
    try {
      summary = UsageSummary.of(range, records, team, lastExportAt);
    } catch (ArithmeticException e) {
      // Only absurd stored values can do this; the same range always will, so no retry status.
      return QueryAnswers.error(
          422,
          "invalid_request_error",
          "a sum of this range passes 2^63 - 1; ask for a shorter range or one team");
    }
    return ApiResponse.of(200, JSON, SummaryJson.of(summary));
  }

  /** Every user-day of the range, as §4 records. */
  private List<DailyUsage> readAll(String connectionId, DateRange range)
      throws UsageStoreUnavailableException {
    List<DailyUsage> records = new ArrayList<>();
    reader.readRange(
        connectionId,
        range.from(),
        range.to(),
        (day, rows) -> {
          for (StoredUsage row : rows) {
            records.add(DailyUsage.of(row));
          }
        });
    return records;
  }
}
