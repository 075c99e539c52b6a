package ccotel.usage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one OTLP request says about usage: increments that count as they are (delta sums, log
 * events), cumulative points that need series state first, how many points or records were rejected
 * (with the first reason), and which account ids and user ids it saw next to an e-mail (identity
 * links: {@code user.account_uuid} or {@code user.id} → {@code user.email}).
 */
public record UsageObservations(
    UsageTally deltas,
    List<CumulativePoint> cumulativePoints,
    long rejected,
    String rejectReason,
    Map<UserIdentity, UserIdentity> links) {

  public UsageObservations {
    cumulativePoints = List.copyOf(cumulativePoints);
    links = Map.copyOf(links);
  }

  /** The users this request counts for that have no e-mail (yet). */
  public Set<UserIdentity> usersWithoutEmail() {
    Set<UserIdentity> users = new HashSet<>();
    deltas.byKey().keySet().forEach(key -> users.add(key.user()));
    cumulativePoints.forEach(point -> users.add(point.key().user()));
    users.removeIf(user -> user.kind() == UserIdentity.Kind.EMAIL);
    return users;
  }

  /** The same observations with some users replaced (an account id by its linked e-mail). */
  public UsageObservations withUsers(Map<UserIdentity, UserIdentity> replacements) {
    UsageTally rekeyed = new UsageTally();
    deltas
        .byKey()
        .forEach((key, counters) -> rekeyed.addAll(replaced(key, replacements), counters));
    List<CumulativePoint> points = new ArrayList<>(cumulativePoints.size());
    for (CumulativePoint point : cumulativePoints) {
      points.add(
          new CumulativePoint(
              point.series(),
              replaced(point.key(), replacements),
              point.counter(),
              point.alsoCounters(),
              point.timeUnixNano(),
              point.value()));
    }
    return new UsageObservations(rekeyed, points, rejected, rejectReason, links);
  }

  private static UsageKey replaced(UsageKey key, Map<UserIdentity, UserIdentity> replacements) {
    UserIdentity user = replacements.get(key.user());
    return user == null ? key : new UsageKey(key.day(), user);
  }

  public boolean isEmpty() {
    return deltas.isEmpty() && cumulativePoints.isEmpty();
  }
}
