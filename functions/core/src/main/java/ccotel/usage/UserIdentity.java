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

  /**
   * Whether {@code value} may name a user: no control characters (NUL, line breaks, escapes…) nor
   * line separators or bidirectional overrides, which would corrupt or disguise a CSV row or a log
   * line. Such identities are rejected, never stored.
   */
  public static boolean isPrintable(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      int type = Character.getType(c);
      if (type == Character.CONTROL
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || (c >= '\u202A' && c <= '\u202E')
          || (c >= '\u2066' && c <= '\u2069')) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int compareTo(UserIdentity other) {
    int byValue = value.compareTo(other.value);
    return byValue != 0 ? byValue : kind.compareTo(other.kind);
  }
}
