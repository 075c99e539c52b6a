package ccotel.teams;

import java.util.Optional;

/** The team, department and cost center a user's record is reported under; each may be absent. */
public record Membership(
    Optional<String> team, Optional<String> department, Optional<String> costCenter) {

  /** No team, department or cost center. */
  public static final Membership NONE =
      new Membership(Optional.empty(), Optional.empty(), Optional.empty());

  /** From nullable values (a roster line's empty columns are null). */
  public static Membership of(String team, String department, String costCenter) {
    return new Membership(
        Optional.ofNullable(team),
        Optional.ofNullable(department),
        Optional.ofNullable(costCenter));
  }
}
