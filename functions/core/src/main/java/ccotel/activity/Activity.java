package ccotel.activity;

import ccotel.aggregate.AggregationService;
import ccotel.aggregate.RecentlyWritten;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.ingest.QueuedExport;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps each connection's activity from what the aggregator counted: the last export received,
 * exports per hour, and each user's last active day. A few writes per connection per batch, none
 * per export and none on the ingest path. It is not part of counting: usage is exact whether or not
 * these writes succeed, and the connection's next batch moves the figures on.
 */
public final class Activity {

  /** Users per container whose last active day is known written: most exports need no write. */
  private static final int KNOWN_USERS = 10_000;

  private final ActivityRecorder recorder;
  private final Map<String, LocalDate> written = RecentlyWritten.upTo(KNOWN_USERS);

  public Activity(ActivityRecorder recorder) {
    this.recorder = recorder;
  }

  /** An export the aggregator counted now or found counted before, and what that did. */
  public record Counted(QueuedExport export, AggregationService.Result result) {}

  public void counted(List<Counted> batch) throws UsageStoreUnavailableException {
    Map<String, Instant> newest = new TreeMap<>();
    Map<String, Map<Instant, Integer>> perHour = new TreeMap<>();
    Map<String, Map<UserIdentity, LocalDate>> lastDays = new TreeMap<>();
    for (Counted counted : batch) {
      QueuedExport export = counted.export();
      String connection = export.connectionId();
      newest.merge(connection, export.receivedAt(), (a, b) -> a.isAfter(b) ? a : b);
      // An export found counted before was counted in its hour then; one with nothing to count
      // is counted each time it comes.
      if (counted.result().partsAlreadyApplied() == 0) {
        perHour
            .computeIfAbsent(connection, c -> new TreeMap<>())
            .merge(export.receivedAt().truncatedTo(ChronoUnit.HOURS), 1, Integer::sum);
      }
      for (UsageKey key : counted.result().userDays()) {
        Map<UserIdentity, LocalDate> users =
            lastDays.computeIfAbsent(connection, c -> new TreeMap<>());
        users.merge(key.user(), key.day(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    for (Map.Entry<String, Instant> connection : newest.entrySet()) {
      recorder.exportReceived(connection.getKey(), connection.getValue());
    }
    for (Map.Entry<String, Map<Instant, Integer>> connection : perHour.entrySet()) {
      recorder.exportsCounted(connection.getKey(), connection.getValue());
    }
    for (Map.Entry<String, Map<UserIdentity, LocalDate>> connection : lastDays.entrySet()) {
      Map<UserIdentity, LocalDate> moved = new TreeMap<>();
      connection
          .getValue()
          .forEach(
              (user, day) -> {
                LocalDate known = written.get(knownKey(connection.getKey(), user));
                if (known == null || known.isBefore(day)) {
                  moved.put(user, day);
                }
              });
      if (!moved.isEmpty()) {
        recorder.usersActive(connection.getKey(), moved);
        moved.forEach((user, day) -> written.put(knownKey(connection.getKey(), user), day));
      }
    }
  }

  private static String knownKey(String connectionId, UserIdentity user) {
    return connectionId + '\n' + user.kind() + '\n' + user.value();
  }
}
