package ccotel.auth;

import java.util.Locale;

/**
 * What a read token may see of a connection's usage (CONTRACT §7): everything, every actor as a
 * stable pseudonym, or only figures over groups of people.
 */
public enum ReadView {
  FULL,
  /** No e-mail or user id in any answer; each actor is a pseudonym keyed per connection. */
  PSEUDONYMOUS,
  /** No per-user record or row; teams under the minimum size are merged into "other". */
  AGGREGATE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the views there are, for anything else
   */
  public static ReadView parse(String label) {
    for (ReadView view : values()) {
      if (view.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
        return view;
      }
    }
    throw new IllegalArgumentException(
        "unknown view '" + label + "' (full, pseudonymous or aggregate)");
  }
}
