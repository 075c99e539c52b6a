package ccotel.summary;

import ccotel.activity.LastExportReader;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.ReadView;
import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenStoreUnavailableException;
import ccotel.identity.EmailBackfill;
import ccotel.identity.IdentityLinks;
import ccotel.query.AnswerFormat;
import ccotel.query.DailyUsage;
import ccotel.query.DateRange;
import ccotel.query.QueryAnswers;
import ccotel.query.StoredUsage;
import ccotel.query.UsageRangeReader;
import ccotel.query.UsageReader;
import ccotel.teams.Membership;
import ccotel.teams.Roster;
import ccotel.teams.RosterReader;
import ccotel.teams.TeamAssignment;
import ccotel.usage.UserIdentity;
import ccotel.views.ActorDisplay;
import ccotel.views.PseudonymKeys;
import ccotel.views.ReadViews;
import ccotel.views.SmallTeams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

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
  private final EmailBackfill backfill;
  private final ReadViews views;

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
    this(authorizer, reader, rosters, lastExport, IdentityLinks.NONE, PseudonymKeys.NONE);
  }

  /**
   * A summary of the usage as reported: user-days merged by the e-mail backfill ({@code links}),
   * actors shown as the token's view allows ({@code pseudonymKeys} for pseudonymous tokens).
   */
  public SummaryService(
      TokenAuthorizer authorizer,
      UsageRangeReader reader,
      RosterReader rosters,
      LastExportReader lastExport,
      IdentityLinks links,
      PseudonymKeys pseudonymKeys) {
    this.authorizer = authorizer;
    this.reader = reader;
    this.rosters = rosters;
    this.lastExport = lastExport;
    this.backfill = new EmailBackfill(links);
    this.views = new ReadViews(pseudonymKeys);
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
    ReadView view = read.view();
    ActorDisplay display;
    List<List<StoredUsage>> days;
    UnaryOperator<DailyUsage> reported;
    Optional<Instant> lastExportAt;
    try {
      Optional<ActorDisplay> shown = views.display(view, connectionId);
      if (shown.isEmpty()) {
        return QueryAnswers.error(403, "permission_error", ReadViews.NO_PSEUDONYM_KEY);
      }
      display = shown.get();
      days = readDays(connectionId, range);
      Roster roster = rosters.roster(connectionId);
      reported = record -> TeamAssignment.assign(record, roster);
      if (view == ReadView.AGGREGATE) {
        SmallTeams grouped = SmallTeams.of(teams(days, roster));
        if (team.isPresent() && !grouped.mayFilterBy(team.get())) {
          return QueryAnswers.error(
              403,
              "permission_error",
              "this read token has the aggregate view: it sees teams of at least "
                  + SmallTeams.MIN_TEAM_SIZE
                  + " active users in the range, and smaller ones only merged as team="
                  + SmallTeams.OTHER);
        }
        UnaryOperator<DailyUsage> assigned = reported;
        reported = record -> grouped.merge(assigned.apply(record));
      }
      lastExportAt = lastExport.lastExportAt(connectionId);
    } catch (UsageStoreUnavailableException | TokenStoreUnavailableException e) {
      return QueryAnswers.unavailable("usage store unavailable, retry later");
    } catch (ArithmeticException e) {
      return sumTooLarge();
    }
    UsageSummary summary;
    try {
      summary = sum(days, reported, new UsageSummary.Sums(range, team)).summary(lastExportAt);
    } catch (ArithmeticException e) {
      return sumTooLarge();
    }
    return ApiResponse.of(200, JSON, SummaryJson.of(summary, view, display));
  }

  /**
   * Adds the records of {@code days} to {@code sums}, a few days at a time: each group's records
   * are made on all processors at once (making them is most of a warm summary), then summed and let
   * go, so a range's records are never all held at once. {@code days} is emptied as it goes.
   */
  private static UsageSummary.Sums sum(
      List<List<StoredUsage>> days, UnaryOperator<DailyUsage> reported, UsageSummary.Sums sums) {
    int group = Math.max(1, Runtime.getRuntime().availableProcessors());
    for (int first = 0; first < days.size(); first += group) {
      List<List<StoredUsage>> some = days.subList(first, Math.min(days.size(), first + group));
      List<List<DailyUsage>> made =
          some.parallelStream()
              .map(rows -> rows.stream().map(row -> reported.apply(DailyUsage.of(row))).toList())
              .toList();
      Collections.fill(some, List.of());
      made.forEach(records -> records.forEach(sums::add));
    }
    return sums;
  }

  /** Only absurd stored values can do this; the same range always will, so no retry status. */
  private static ApiResponse sumTooLarge() {
    return QueryAnswers.error(
        422,
        "invalid_request_error",
        "a sum of this range passes 2^63 - 1; ask for a shorter range or one team");
  }

  /**
   * Every user-day of the range as reported (after the e-mail backfill), a list per day.
   *
   * @throws ArithmeticException if a merged user-day's counter passes 2^63 - 1
   */
  private List<List<StoredUsage>> readDays(String connectionId, DateRange range)
      throws UsageStoreUnavailableException {
    List<List<StoredUsage>> days = new ArrayList<>();
    List<StoredUsage> all = new ArrayList<>();
    reader.readRange(
        connectionId,
        range.from(),
        range.to(),
        (day, rows) -> {
          days.add(rows);
          all.addAll(rows);
        });
    EmailBackfill.Resolver resolver = backfill.forConnection(connectionId);
    resolver.learn(all); // one lookup for the whole range
    List<List<StoredUsage>> merged = new ArrayList<>(days.size());
    for (List<StoredUsage> day : days) {
      merged.add(resolver.mergeDay(day));
    }
    return merged;
  }

  /** The teams of the range's user-days (the roster's, else their own) with their actors. */
  private static Map<Optional<String>, Set<UserIdentity>> teams(
      List<List<StoredUsage>> days, Roster roster) {
    Map<Optional<String>, Set<UserIdentity>> members = new HashMap<>();
    for (List<StoredUsage> day : days) {
      for (StoredUsage row : day) {
        UserIdentity user = row.key().user();
        Membership membership =
            roster.membership(user).orElseGet(() -> DailyUsage.membershipOf(row));
        members.computeIfAbsent(membership.team(), t -> new HashSet<>()).add(user);
      }
    }
    return members;
  }
}
