package ccotel.summary;

import ccotel.query.DailyUsage;
import ccotel.query.DateRange;
import ccotel.usage.UserIdentity;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One range's usage summed every way the dashboard shows it (CONTRACT §5). Each figure is the exact
 * sum of the §4 records it covers; cost stays integer nano-USD until it is written.
 *
 * @param team the team the summary is limited to, if any
 * @param lastExportAt when the newest export of the connection was received (an extension)
 */
public record UsageSummary(
    DateRange range,
    Optional<String> team,
    Optional<Instant> lastExportAt,
    Group totals,
    List<Day> byDay,
    List<User> byUser,
    List<Team> byTeam,
    List<DailyUsage.ModelUsage> byModel,
    List<Tool> byTool,
    List<Terminal> byTerminal) {

  /** Figures and how many distinct actors have a record among them. */
  public record Group(Figures figures, int activeUsers) {}

  public record Day(LocalDate date, Figures figures, int activeUsers) {}

  /**
   * @param activeDays days of the range with a record of this user
   * @param lastActive the latest of them
   */
  public record User(
      UserIdentity actor,
      Optional<String> team,
      Figures figures,
      int activeDays,
      LocalDate lastActive) {}

  public record Team(Optional<String> team, Figures figures, int activeUsers) {}

  public record Tool(String tool, long accepted, long rejected) {

    Tool plus(Tool other) {
      return new Tool(
          tool, Math.addExact(accepted, other.accepted), Math.addExact(rejected, other.rejected));
    }
  }

  public record Terminal(String terminalType, long sessions, int activeUsers, long costNanoUsd) {}

  /** Highest cost first; ties by name, so that the order is stable. */
  private static final Comparator<User> USER_ORDER =
      Comparator.comparingLong((User u) -> u.figures().costNanoUsd())
          .reversed()
          .thenComparing(User::actor);

  private static final Comparator<Team> TEAM_ORDER =
      Comparator.comparingLong((Team t) -> t.figures().costNanoUsd())
          .reversed()
          .thenComparing((Team t) -> t.team().orElse(null), nullsLast());

  private static final Comparator<DailyUsage.ModelUsage> MODEL_ORDER =
      Comparator.comparingLong(DailyUsage.ModelUsage::costNanoUsd)
          .reversed()
          .thenComparing(DailyUsage.ModelUsage::model);

  private static final Comparator<Terminal> TERMINAL_ORDER =
      Comparator.comparingLong(Terminal::costNanoUsd)
          .reversed()
          .thenComparing(Terminal::terminalType);

  private static Comparator<String> nullsLast() {
    return Comparator.nullsLast(Comparator.naturalOrder());
  }

  /**
   * Sums {@code records} (the §4 records of {@code range}, any order) into a summary.
   *
   * @param team if present, only the records of that team count (each record's team is its
   *     membership's: see {@code ccotel.teams.TeamAssignment})
   * @throws ArithmeticException if a sum would pass 2^63 - 1
   */
  public static UsageSummary of(
      DateRange range,
      List<DailyUsage> records,
      Optional<String> team,
      Optional<Instant> lastExportAt) {
    Sums sums = new Sums(range, team);
    records.forEach(sums::add);
    return sums.summary(lastExportAt);
  }

  /**
   * A summary being summed, one record at a time in any order, so that a range's records need not
   * all be held at once (90,000 of them for 1,000 users over 90 days). Not thread-safe.
   */
  public static final class Sums {

    private final DateRange range;
    private final Optional<String> team;
    private final Figures total = new Figures();
    private final Set<UserIdentity> actors = new HashSet<>();
    private final Map<LocalDate, Figures> dayFigures = new TreeMap<>();
    private final Map<LocalDate, Set<UserIdentity>> dayActors = new HashMap<>();
    private final Map<UserIdentity, Figures> userFigures = new HashMap<>();
    private final Map<UserIdentity, Set<LocalDate>> userDays = new HashMap<>();
    // A user's team in by_user: that of their latest record (of the team asked for, if one was).
    private final Map<UserIdentity, Latest> userLatest = new HashMap<>();
    private final Map<Optional<String>, Figures> teamFigures = new HashMap<>();
    private final Map<Optional<String>, Set<UserIdentity>> teamActors = new HashMap<>();
    private final Map<String, DailyUsage.ModelUsage> models = new HashMap<>();
    private final Map<String, Tool> tools = new TreeMap<>();
    private final Map<String, DailyUsage.TerminalUsage> terminals = new HashMap<>();
    private final Map<String, Set<UserIdentity>> terminalActors = new HashMap<>();

    /** A user's latest day and that day's team. */
    private record Latest(LocalDate day, Optional<String> team) {}

    /**
     * @param team if present, only the records of that team count
     */
    public Sums(DateRange range, Optional<String> team) {
      this.range = range;
      this.team = team;
      for (LocalDate day : range.days()) {
        dayFigures.put(day, new Figures());
        dayActors.put(day, new HashSet<>());
      }
    }

    /**
     * Adds {@code record} if it is of the range (and of the team asked for).
     *
     * @throws ArithmeticException if a sum would pass 2^63 - 1
     */
    public void add(DailyUsage record) {
      UserIdentity actor = record.key().user();
      LocalDate day = record.key().day();
      Optional<String> userTeam = record.membership().team();
      if (!range.contains(day) || (team.isPresent() && !team.equals(userTeam))) {
        return;
      }
      userLatest.merge(
          actor, new Latest(day, userTeam), (a, b) -> a.day().isAfter(b.day()) ? a : b);
      total.add(record);
      actors.add(actor);
      dayFigures.get(day).add(record);
      dayActors.get(day).add(actor);
      userFigures.computeIfAbsent(actor, a -> new Figures()).add(record);
      userDays.computeIfAbsent(actor, a -> new HashSet<>()).add(day);
      teamFigures.computeIfAbsent(userTeam, t -> new Figures()).add(record);
      teamActors.computeIfAbsent(userTeam, t -> new HashSet<>()).add(actor);
      for (DailyUsage.ModelUsage model : record.models()) {
        models.merge(model.model(), model, DailyUsage.ModelUsage::plus);
      }
      record
          .toolDecisions()
          .forEach(
              (tool, decisions) ->
                  tools.merge(
                      tool,
                      new Tool(tool, decisions.accepted(), decisions.rejected()),
                      Tool::plus));
      for (DailyUsage.TerminalUsage terminal : record.terminals()) {
        terminals.merge(terminal.terminalType(), terminal, UsageSummary::plus);
        terminalActors.computeIfAbsent(terminal.terminalType(), t -> new HashSet<>()).add(actor);
      }
    }

    /** The summary of what was added. */
    public UsageSummary summary(Optional<Instant> lastExportAt) {
      List<Day> byDay = new ArrayList<>();
      dayFigures.forEach(
          (day, figures) -> byDay.add(new Day(day, figures, dayActors.get(day).size())));
      List<User> byUser = new ArrayList<>();
      userFigures.forEach(
          (actor, figures) -> {
            Set<LocalDate> days = userDays.get(actor);
            byUser.add(
                new User(
                    actor,
                    userLatest.get(actor).team(),
                    figures,
                    days.size(),
                    days.stream().max(Comparator.naturalOrder()).orElseThrow()));
          });
      byUser.sort(USER_ORDER);
      List<Team> byTeam = new ArrayList<>();
      teamFigures.forEach(
          (name, figures) -> byTeam.add(new Team(name, figures, teamActors.get(name).size())));
      byTeam.sort(TEAM_ORDER);
      List<DailyUsage.ModelUsage> byModel = new ArrayList<>(models.values());
      byModel.sort(MODEL_ORDER);
      List<Tool> byTool = new ArrayList<>(tools.values());
      List<Terminal> byTerminal = new ArrayList<>();
      terminals.forEach(
          (type, sums) ->
              byTerminal.add(
                  new Terminal(
                      type, sums.sessions(), terminalActors.get(type).size(), sums.costNanoUsd())));
      byTerminal.sort(TERMINAL_ORDER);

      return new UsageSummary(
          range,
          team,
          lastExportAt,
          new Group(total, actors.size()),
          byDay,
          byUser,
          byTeam,
          byModel,
          byTool,
          byTerminal);
    }
  }

  private static DailyUsage.TerminalUsage plus(
      DailyUsage.TerminalUsage a, DailyUsage.TerminalUsage b) {
    return new DailyUsage.TerminalUsage(
        a.terminalType(),
        Math.addExact(a.sessions(), b.sessions()),
        Math.addExact(a.costNanoUsd(), b.costNanoUsd()));
  }
}
