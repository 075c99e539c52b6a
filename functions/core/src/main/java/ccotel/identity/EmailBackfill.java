package ccotel.identity;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.query.StoredUsage;
import ccotel.usage.Counter;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * E-mail backfill at read time (CONTRACT §7): a user-day stored under an account id or user id that
 * is linked to an e-mail is reported under that e-mail, its counters summed with the e-mail's own
 * user-day of that date. Summing counters (not records) lets "metrics, else events" decide on the
 * merged user-day as if it had been counted under the e-mail. Stored counters are never rewritten,
 * so a link that changes changes the report only.
 */
public final class EmailBackfill {

  private final IdentityLinks links;

  public EmailBackfill(IdentityLinks links) {
    this.links = links;
  }

  /** The backfill of one answer: each id's link is looked up once, whatever the days it has. */
  public Resolver forConnection(String connectionId) {
    return new Resolver(connectionId);
  }

  /** Links of one connection, looked up as ids turn up and remembered for one answer. */
  public final class Resolver {

    private final String connectionId;

    /** Each id seen so far: its linked e-mail, or itself when it has no link. */
    private final Map<UserIdentity, UserIdentity> reportedAs = new HashMap<>();

    private Resolver(String connectionId) {
      this.connectionId = connectionId;
    }

    /** Looks up, in one call, the links of the ids of {@code rows} not looked up before. */
    public void learn(Collection<StoredUsage> rows) throws UsageStoreUnavailableException {
      Set<UserIdentity> unknown = new HashSet<>();
      for (StoredUsage row : rows) {
        UserIdentity user = row.key().user();
        if (user.kind() != UserIdentity.Kind.EMAIL && !reportedAs.containsKey(user)) {
          unknown.add(user);
        }
      }
      if (unknown.isEmpty()) {
        return;
      }
      Map<UserIdentity, UserIdentity> found = links.emailsOf(connectionId, unknown);
      for (UserIdentity id : unknown) {
        UserIdentity email = found.get(id);
        reportedAs.put(id, email != null && email.kind() == UserIdentity.Kind.EMAIL ? email : id);
      }
    }

    /** Who {@code user}'s usage is reported for (after {@link #learn} saw it). */
    public UserIdentity reportedAs(UserIdentity user) {
      return reportedAs.getOrDefault(user, user);
    }

    /**
     * The user-days of one date as reported: linked ids merged into their e-mail, in (user) order.
     */
    public List<StoredUsage> mergeDay(List<StoredUsage> rows)
        throws UsageStoreUnavailableException {
      learn(rows);
      Map<UsageKey, List<StoredUsage>> byReported = new TreeMap<>();
      for (StoredUsage row : rows) {
        UsageKey key = new UsageKey(row.key().day(), reportedAs(row.key().user()));
        byReported.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
      }
      List<StoredUsage> merged = new ArrayList<>(byReported.size());
      byReported.forEach((key, parts) -> merged.add(sum(key, parts)));
      return merged;
    }
  }

  /**
   * One user-day made of {@code parts}: counters summed exactly, unreadable counters of any part
   * named.
   *
   * @throws ArithmeticException if a sum passes 2^63 - 1
   */
  static StoredUsage sum(UsageKey key, List<StoredUsage> parts) {
    if (parts.size() == 1 && parts.get(0).key().equals(key)) {
      return parts.get(0);
    }
    SortedMap<Counter, Long> counters = new TreeMap<>();
    SortedSet<String> unreadable = new TreeSet<>();
    for (StoredUsage part : parts) {
      part.counters().forEach((counter, value) -> counters.merge(counter, value, Math::addExact));
      unreadable.addAll(part.unreadable());
    }
    return new StoredUsage(key, counters, unreadable);
  }
}
