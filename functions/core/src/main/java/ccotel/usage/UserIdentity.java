package ccotel.usage;

import java.util.Locale;

/**
 * Who a data point or log record belongs to: an e-mail address when Claude Code sent one, else the
 * account UUID, else the anonymous {@code user.id} (CONTRACT §4 counting rules).
 */
public record UserIdentity(Kind kind, String value) implements Comparable<UserIdentity> {

  /** Which attribute identified the user, strongest first. */
  public enum Kind {
    EMAIL,
    ACCOUNT_UUID,
    USER_ID
  }

  public UserIdentity {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("a user identity needs a value");
    }
  }

  /** Emails are trimmed and lower-cased so that one person is one row. */
  public static UserIdentity email(String email) {
    return new UserIdentity(Kind.EMAIL, email.trim().toLowerCase(Locale.ROOT));
  }

  public static UserIdentity accountUuid(String uuid) {
    return new UserIdentity(Kind.ACCOUNT_UUID, uuid);
  }

  public static UserIdentity userId(String id) {
    return new UserIdentity(Kind.USER_ID, id);
  }

  @Override
  public int compareTo(UserIdentity other) {
    int byValue = value.compareTo(other.value);
    return byValue != 0 ? byValue : kind.compareTo(other.kind);
  }
}
