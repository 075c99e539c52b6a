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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The usage store and reader in memory, with the same all-or-nothing, exactly-once semantics as the
 * DynamoDB adapter; both pass {@link UsageStoreContract}.
 */
public final class InMemoryUsageStore implements UsageStore, UsageReader {

  private final int maxWrites;
  private final Set<String> deliveries = new HashSet<>();
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
  private int transactions;

  /** How many deliveries were written (each one transaction in DynamoDB). */
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
  public synchronized boolean apply(UsageDelivery delivery) throws WriteConflictException {
    if (delivery.writes() > maxWrites) {
      throw new IllegalArgumentException(
          "delivery writes " + delivery.writes() + " > " + maxWrites);
    }
    List<String> markers = new ArrayList<>();
    for (String id : delivery.deliveryIds()) {
      markers.add(delivery.connectionId() + "/" + id);
    }
    if (markers.stream().anyMatch(deliveries::contains)) {
      return false;
    }
    for (Map.Entry<SeriesId, SeriesChange> change : delivery.seriesChanges().entrySet()) {
      SeriesState stored = series.get(delivery.connectionId() + "/" + change.getKey().value());
      if (!java.util.Objects.equals(stored, change.getValue().expected())) {
        throw new WriteConflictException("series " + change.getKey().value() + " changed");
      }
    }
    deliveries.addAll(markers);
    transactions++;
    delivery
        .seriesChanges()
        .forEach(
            (id, change) -> series.put(delivery.connectionId() + "/" + id.value(), change.next()));
    NavigableMap<UsageKey, SortedMap<Counter, Long>> rows =
        usage.computeIfAbsent(delivery.connectionId(), c -> new TreeMap<>());
    delivery
        .increments()
        .byKey()
        .forEach(
            (key, counters) -> {
              SortedMap<Counter, Long> row = rows.computeIfAbsent(key, k -> new TreeMap<>());
              counters.forEach((counter, amount) -> row.merge(counter, amount, Math::addExact));
            });
    return true;
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
      range = range.tailMap(parseCursor(cursor.get()), false);
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
