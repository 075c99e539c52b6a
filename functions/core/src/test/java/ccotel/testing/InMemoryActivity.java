package ccotel.testing;

import ccotel.activity.ActivityReader;
import ccotel.activity.ActivityRecorder;
import ccotel.usage.UserIdentity;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Activity kept in memory, with the same forward-only rules as the DynamoDB adapter. */
public final class InMemoryActivity implements ActivityReader, ActivityRecorder {

  private final Map<String, Instant> lastExports = new HashMap<>();
  private final Map<String, TreeMap<Instant, Long>> exports = new HashMap<>();
  private final Map<String, Map<UserIdentity, LocalDate>> users = new HashMap<>();

  /** Every {@link #usersActive} call, to see which writes were needed. */
  public final List<Map<UserIdentity, LocalDate>> userWrites = new CopyOnWriteArrayList<>();

  @Override
  public synchronized void exportReceived(String connectionId, Instant receivedAt) {
    lastExports.merge(connectionId, receivedAt, (a, b) -> a.isAfter(b) ? a : b);
  }

  @Override
  public synchronized void exportsCounted(String connectionId, Map<Instant, Integer> perHour) {
    perHour.forEach(
        (hour, n) ->
            exports
                .computeIfAbsent(connectionId, c -> new TreeMap<>())
                .merge(hour, (long) n, Long::sum));
  }

  @Override
  public synchronized void usersActive(String connectionId, Map<UserIdentity, LocalDate> lastDays) {
    userWrites.add(Map.copyOf(lastDays));
    lastDays.forEach(
        (user, day) ->
            users
                .computeIfAbsent(connectionId, c -> new TreeMap<>())
                .merge(user, day, (a, b) -> a.isAfter(b) ? a : b));
  }

  @Override
  public synchronized Optional<Instant> lastExportAt(String connectionId) {
    return Optional.ofNullable(lastExports.get(connectionId));
  }

  @Override
  public synchronized long exportsReceivedSince(String connectionId, Instant fromHour) {
    return exports
        .getOrDefault(connectionId, new TreeMap<>())
        .tailMap(fromHour, true)
        .values()
        .stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  @Override
  public synchronized Map<UserIdentity, LocalDate> lastActiveDays(String connectionId) {
    return new TreeMap<>(users.getOrDefault(connectionId, Map.of()));
  }
}
