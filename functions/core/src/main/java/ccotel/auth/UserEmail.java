package ccotel.auth;

import ccotel.otlp.LongValues;
import ccotel.usage.UserIdentity;
import java.util.Locale;

/** The e-mail a per-user ingest token is bound to: checked once, when the admin issues it. */
public final class UserEmail {

  /** The longest address SMTP carries (RFC 5321), well within what a counter's user may be. */
  public static final int MAX_CHARS = 254;

  private UserEmail() {}

  /**
   * The address trimmed and lower-cased, as usage is counted under it.
   *
   * @throws IllegalArgumentException saying what is wrong, for anything that is not one printable
   *     address of at most {@link #MAX_CHARS} characters with text on both sides of one '@'
   */
  public static String normalize(String email) {
    String normalized = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
    if (normalized.isEmpty()) {
      throw new IllegalArgumentException("an e-mail address is required");
    }
    if (normalized.length() > MAX_CHARS) {
      throw new IllegalArgumentException(
          "the e-mail address is longer than " + MAX_CHARS + " characters");
    }
    int at = normalized.indexOf('@');
    if (!UserIdentity.isPrintable(normalized)
        || normalized.chars().anyMatch(Character::isWhitespace)
        || at <= 0
        || at != normalized.lastIndexOf('@')
        || at == normalized.length() - 1
        || LongValues.isDigestForm(normalized)) {
      throw new IllegalArgumentException(
          "not an e-mail address (one '@' with text on both sides, no spaces or control"
              + " characters)");
    }
    return normalized;
  }
}
