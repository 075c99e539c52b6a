package ccotel.teams;

import ccotel.usage.UserIdentity;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A connection's roster: each member's lower-cased e-mail to their team, department and cost
 * center. It applies to every day, past ones included: a re-org re-groups history.
 */
public record Roster(SortedMap<String, Membership> members) {

  public static final Roster EMPTY = new Roster(new TreeMap<>());

  public Roster {
    members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
  }

  public static Roster of(Map<String, Membership> members) {
    return new Roster(new TreeMap<>(members));
  }

  /** The membership the roster gives {@code user}; only e-mails can be on a roster. */
  public Optional<Membership> membership(UserIdentity user) {
    return user.kind() == UserIdentity.Kind.EMAIL
        ? Optional.ofNullable(members.get(user.value()))
        : Optional.empty();
  }

  public int size() {
    return members.size();
  }
}
