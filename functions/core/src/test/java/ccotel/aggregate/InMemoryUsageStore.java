package ccotel.aggregate;

import ccotel.query.InvalidCursorException;
import ccotel.query.StoredUsage;
import ccotel.query.UsagePage;
import ccotel.query.UsageReader;
import ccotel.usage.Counter;
import ccotel.usage.SeriesId;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The usage store and reader in memory, with the same all-or-nothing, exactly-once semantics as the
 * DynamoDB adapter; both pass {@link UsageStoreContract}.
 */
public final class InMemoryUsageStore implements UsageStore, UsageReader {

  private final int maxWrites;

  private final java.util.Set<String> markers = new java.util.HashSet<>();
  private final Map<String, SeriesState> series = new HashMap<>();
  private final Map<String, NavigableMap<UsageKey, SortedMap<Counter, Long>>> usage =
      new HashMap<>();

  public InMemoryUsageStore() {
    this(100);
  }

  public InMemoryUsageStore(int maxWrites) {
    this.maxWrites = maxWrites;
  }

  private final Map<String, UserIdentity> links = new HashMap<>();
  private final Map<UsageKey, Boolean> failingItems = new HashMap<>(); // true: for good
  private int transactions;
  private int plainDayWrites;

  /**
   * Makes every write that adds to this user-day fail as DynamoDB fails it: refused for good (an
   * item it rejects, say one past 400 KB) or, if not {@code forGood}, unavailable (throttled, a
   * fault). Other user-days, of the same connection too, are written as before.
   */
  public synchronized void failWritesTo(UsageKey key, boolean forGood) {
    failingItems.put(key, forGood);
  }

  /** As DynamoDB refuses an update expression over 4 KB, at the port's bound. */
  private static void refuseLongExpression(Map<Counter, Long> increments) {
    if (increments.size() > MAX_COUNTERS_PER_UPDATE) {
      throw new UsageRefusedException(
          "an update names " + increments.size() + " counters: expression over 4 KB (test)");
    }
  }

  public synchronized void stopFailingWritesTo(UsageKey key) {
    failingItems.remove(key);
  }

  private void failIfFailing(UsageKey key) throws UsageStoreUnavailableException {
    Boolean forGood = failingItems.get(key);
    if (forGood == null) {
      return;
    }
    if (forGood) {
      throw new UsageRefusedException("DynamoDB refused the user-day of " + key.day() + " (test)");
    }
    throw new UsageStoreUnavailableException("DynamoDB throttled a user-day (test)", null);
  }

  /** How many commits were written (each one transaction in DynamoDB). */
  public synchronized int transactions() {
    return transactions;
  }

  @Override
  public synchronized Map<UserIdentity, UserIdentity> loadLinks(
      String connectionId, java.util.Collection<UserIdentity> users) {
    Map<UserIdentity, UserIdentity> found = new HashMap<>();
    for (UserIdentity user : users) {
      UserIdentity email = links.get(connectionId + "|" + user.kind() + "|" + user.value());
      if (email != null) {
        found.put(user, email);
      }
    }
    return found;
  }

  @Override
  public synchronized void saveLinks(String connectionId, Map<UserIdentity, UserIdentity> saved) {
    saved.forEach(
        (user, email) -> links.put(connectionId + "|" + user.kind() + "|" + user.value(), email));
  }

  @Override
  public int maxWritesPerDelivery() {
    return maxWrites;
  }

  @Override
  public synchronized Map<SeriesId, SeriesState> loadSeries(
      String connectionId, Collection<SeriesId> ids) {
    Map<SeriesId, SeriesState> found = new HashMap<>();
    for (SeriesId id : ids) {
      SeriesState state = series.get(connectionId + "/" + id.value());
      if (state != null) {
        found.put(id, state);
      }
    }
    return found;
  }

  @Override
  public synchronized boolean commit(UsageCommit commit)
      throws WriteConflictException, UsageStoreUnavailableException {
    if (commit.writes() > maxWrites) {
      throw new IllegalArgumentException("commit writes " + commit.writes() + " > " + maxWrites);
    }
    String marker = commit.connectionId() + "/" + commit.deliveryId();
    if (markers.contains(marker)) {
      return false;
    }
    for (Map.Entry<UsageKey, SortedMap<Counter, Long>> day :
        commit.increments().byKey().entrySet()) {
      failIfFailing(day.getKey());
      refuseLongExpression(day.getValue());
      refuseBeyondLimits(commit.connectionId(), day.getKey(), day.getValue());
    }
    for (Map.Entry<SeriesId, SeriesChange> change : commit.seriesChanges().entrySet()) {
      SeriesState stored = series.get(commit.connectionId() + "/" + change.getKey().value());
      if (!java.util.Objects.equals(stored, change.getValue().expected())) {
        throw new WriteConflictException("series " + change.getKey().value() + " changed");
      }
    }
    markers.add(marker);
    transactions++;
    commit
        .seriesChanges()
        .forEach(
            (id, change) -> series.put(commit.connectionId() + "/" + id.value(), change.next()));
    NavigableMap<UsageKey, SortedMap<Counter, Long>> rows =
        usage.computeIfAbsent(commit.connectionId(), c -> new TreeMap<>());
    commit
        .increments()
        .byKey()
        .forEach(
            (key, counters) -> {
              SortedMap<Counter, Long> row = rows.computeIfAbsent(key, k -> new TreeMap<>());
              counters.forEach((counter, amount) -> row.merge(counter, amount, Math::addExact));
            });
    return true;
  }

  /** As the DynamoDB store: a user-day never passes {@link DayLimits}. */
  private void refuseBeyondLimits(
      String connectionId, UsageKey key, Map<Counter, Long> increments) {
    Map<String, String> stored = new HashMap<>();
    usage
        .getOrDefault(connectionId, new TreeMap<>())
        .getOrDefault(key, new TreeMap<>())
        .forEach((counter, value) -> stored.put(counter.name(), Long.toString(value)));
    DayLimits.check(key, stored, increments);
  }

  /** How many user-day writes {@link #countOnce} made (one per user-day and call). */
  public synchronized int plainDayWrites() {
    return plainDayWrites;
  }

  @Override
  public synchronized Map<String, Counted> countOnce(
      String connectionId, List<DayDelivery> dayDeliveries) throws UsageStoreUnavailableException {
    Map<String, Counted> counted = new HashMap<>();
    java.util.Set<UsageKey> written = new java.util.HashSet<>();
    for (DayDelivery delivery : dayDeliveries) {
      String key = connectionId + "/" + delivery.deliveryId();
      if (markers.contains(key)) {
        counted.put(delivery.deliveryId(), Counted.BEFORE);
        continue;
      }
      // As PlainDayCounter: earlier user-days stay written and marked when a later one fails.
      failIfFailing(delivery.key());
      refuseBeyondLimits(connectionId, delivery.key(), delivery.counters());
      markers.add(key);
      SortedMap<Counter, Long> row =
          usage
              .computeIfAbsent(connectionId, c -> new TreeMap<>())
              .computeIfAbsent(delivery.key(), k -> new TreeMap<>());
      delivery.counters().forEach((counter, amount) -> row.merge(counter, amount, Math::addExact));
      written.add(delivery.key());
      counted.put(delivery.deliveryId(), Counted.NOW);
    }
    plainDayWrites += written.size();
    return counted;
  }

  @Override
  public synchronized UsagePage read(
      String connectionId, LocalDate from, LocalDate to, int limit, Optional<String> cursor)
      throws InvalidCursorException {
    NavigableMap<UsageKey, SortedMap<Counter, Long>> rows =
        usage.getOrDefault(connectionId, new TreeMap<>());
    UsageKey lowest = new UsageKey(from, new UserIdentity(UserIdentity.Kind.EMAIL, "\0"));
    NavigableMap<UsageKey, SortedMap<Counter, Long>> range = rows.tailMap(lowest, true);
    if (cursor.isPresent()) {
      UsageKey after = parseCursor(cursor.get());
      if (after.day().isBefore(from) || after.day().isAfter(to)) {
        throw new InvalidCursorException("outside the requested dates");
      }
      range = range.tailMap(after, false);
    }
    List<StoredUsage> page = new ArrayList<>();
    for (Map.Entry<UsageKey, SortedMap<Counter, Long>> row : range.entrySet()) {
      if (row.getKey().day().isAfter(to)) {
        break;
      }
      if (page.size() == limit) {
        UsageKey last = page.get(page.size() - 1).key();
        return new UsagePage(page, Optional.of(cursorOf(last)));
      }
      page.add(StoredUsage.of(row.getKey(), row.getValue()));
    }
    return new UsagePage(page, Optional.empty());
  }

  private static String cursorOf(UsageKey key) {
    return key.day() + "|" + key.user().kind() + "|" + key.user().value();
  }

  private static UsageKey parseCursor(String cursor) throws InvalidCursorException {
    String[] parts = cursor.split("\\|", 3);
    try {
      return new UsageKey(
          LocalDate.parse(parts[0]),
          new UserIdentity(UserIdentity.Kind.valueOf(parts[1]), parts[2]));
    } catch (RuntimeException e) {
      throw new InvalidCursorException("not a cursor of ours");
    }
  }
}
