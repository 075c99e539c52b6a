package ccotel.query;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.identity.EmailBackfill;
import ccotel.teams.Roster;
import ccotel.teams.TeamAssignment;
import ccotel.views.ActorDisplay;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Pages of §4 records as reported, not as stored: each date's user-days are merged by the e-mail
 * backfill, given their teams (and only {@code team=}'s kept), and ordered by the view's actor
 * position before they are cut into pages. A page stops at a (date, position); the next one reads
 * that date again from its start and skips what was served, so every record is served exactly once
 * however the backfill merged the stored rows.
 */
final class ReportedPages {

  /** Where a page starts: the first record of {@code day} after {@code after} (or the first). */
  record Position(LocalDate day, Optional<String> after) {}

  record Page(List<DailyUsage> records, Optional<Position> next) {}

  /**
   * Stored rows read per call: at least a small page more than the limit (a page needs whole dates,
   * so tiny reads would only mean more calls), at most DynamoDB's usual page.
   */
  private static final int MIN_READ = 100;

  private static final int MAX_READ = 1000;

  private final UsageReader reader;
  private final EmailBackfill backfill;

  ReportedPages(UsageReader reader, EmailBackfill backfill) {
    this.reader = reader;
    this.backfill = backfill;
  }

  Page read(
      String connectionId,
      LocalDate from,
      LocalDate to,
      int limit,
      Optional<Position> start,
      ActorDisplay display,
      Roster roster,
      Optional<String> team)
      throws UsageStoreUnavailableException {
    Reporting reporting = new Reporting(display, roster, team);
    EmailBackfill.Resolver resolver = backfill.forConnection(connectionId);
    LocalDate firstDay = start.map(Position::day).orElse(from);
    Optional<String> after = start.flatMap(Position::after);
    List<DailyUsage> served = new ArrayList<>(limit);
    List<StoredUsage> dayRows = new ArrayList<>();
    LocalDate day = null;
    Optional<String> cursor = Optional.empty();
    int readSize = Math.min(MAX_READ, Math.max(MIN_READ, limit + 1));
    do {
      UsagePage page;
      try {
        page = reader.read(connectionId, firstDay, to, readSize, cursor);
      } catch (InvalidCursorException e) {
        throw new IllegalStateException("the reader refused its own cursor", e);
      }
      resolver.learn(page.rows());
      for (StoredUsage row : page.rows()) {
        LocalDate rowDay = row.key().day();
        if (day != null && !rowDay.equals(day)) {
          Optional<Position> stop = serve(resolver, dayRows, after, limit, served, reporting);
          if (stop.isPresent() || served.size() == limit) {
            // A later date has rows, so a full page has more after it.
            return new Page(
                served, Optional.of(stop.orElse(new Position(rowDay, Optional.empty()))));
          }
          after = Optional.empty();
          dayRows = new ArrayList<>();
        }
        day = rowDay;
        dayRows.add(row);
      }
      cursor = page.nextCursor();
    } while (cursor.isPresent());
    Optional<Position> stop =
        dayRows.isEmpty()
            ? Optional.empty()
            : serve(resolver, dayRows, after, limit, served, reporting);
    return new Page(served, stop);
  }

  /**
   * Adds the reported records of one date after {@code after} to {@code served}, up to the limit.
   *
   * @return where the next page starts, if the date has records the limit left out
   */
  private static Optional<Position> serve(
      EmailBackfill.Resolver resolver,
      List<StoredUsage> dayRows,
      Optional<String> after,
      int limit,
      List<DailyUsage> served,
      Reporting reporting)
      throws UsageStoreUnavailableException {
    List<Positioned> records = new ArrayList<>();
    for (StoredUsage row : resolver.mergeDay(dayRows)) {
      String position = reporting.display().position(row.key().user());
      if (after.isEmpty() || position.compareTo(after.get()) > 0) {
        DailyUsage record = TeamAssignment.assign(DailyUsage.of(row), reporting.roster());
        if (TeamAssignment.inTeam(record, reporting.team())) {
          records.add(new Positioned(position, record));
        }
      }
    }
    records.sort(Comparator.comparing(Positioned::position));
    for (int i = 0; i < records.size(); i++) {
      if (served.size() == limit) {
        // Never on the first: a full page returns before it reads another date.
        Positioned last = records.get(i - 1);
        return Optional.of(new Position(last.record().key().day(), Optional.of(last.position())));
      }
      served.add(records.get(i).record());
    }
    return Optional.empty();
  }

  /** How a page's records are reported: whose actor is shown how, teams, and {@code team=}. */
  private record Reporting(ActorDisplay display, Roster roster, Optional<String> team) {}

  private record Positioned(String position, DailyUsage record) {}
}
