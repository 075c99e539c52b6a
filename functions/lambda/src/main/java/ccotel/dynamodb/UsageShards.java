package ccotel.dynamodb;

import java.time.LocalDate;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How many partition keys a connection's user-day items are spread over, from which UTC day on
 * (docs/decisions.md, "Spreading a connection over partition keys"). Days before the first entry
 * have one shard, the connection's own key, as every item had before shards existed; a count, once
 * in effect, never changes for its days, so a user-day's item always has one key.
 */
public record UsageShards(NavigableMap<LocalDate, Integer> countFrom) {

  /** One key, the connection's own: a connection with no layout stored, as before shards. */
  public static final UsageShards LEGACY = new UsageShards(new TreeMap<>());

  /**
   * What a new connection starts with: a connection of 10,000 busy developers (about 2,200
   * exports/s, 3,500 usage write units/s) stays under half of DynamoDB's 1,000 write units/s per
   * key (see docs/decisions.md); a Query per shard per day is what reading pays for it.
   */
  public static final int DEFAULT_COUNT = 8;

  /** Readers Query every shard of a day: this many keeps a day's read in one round of calls. */
  public static final int MAX_COUNT = 1024;

  public UsageShards {
    countFrom.values().forEach(UsageShards::checkCount);
    countFrom = Collections.unmodifiableNavigableMap(new TreeMap<>(countFrom));
  }

  public static UsageShards from(LocalDate day, int count) {
    return new UsageShards(new TreeMap<>(Map.of(day, count)));
  }

  static void checkCount(int count) {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException(
          "a connection has 1 to " + MAX_COUNT + " shards, not " + count);
    }
  }

  /** The shard count in effect on {@code day}. */
  public int countOn(LocalDate day) {
    Map.Entry<LocalDate, Integer> entry = countFrom.floorEntry(day);
    return entry == null ? 1 : entry.getValue();
  }

  /** The counts in effect on the days from {@code from} to {@code to}. */
  Set<Integer> countsBetween(LocalDate from, LocalDate to) {
    Set<Integer> counts = new TreeSet<>(countFrom.subMap(from, false, to, true).values());
    counts.add(countOn(from));
    return counts;
  }

  /** This layout with {@code count} shards from {@code day} on, later changes dropped. */
  public UsageShards with(LocalDate day, int count) {
    TreeMap<LocalDate, Integer> changed = new TreeMap<>(countFrom.headMap(day, false));
    changed.put(day, count);
    return new UsageShards(changed);
  }
}
