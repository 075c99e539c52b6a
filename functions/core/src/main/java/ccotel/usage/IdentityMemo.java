package ccotel.usage;

import io.opentelemetry.proto.common.v1.AnyValue;

/**
 * The last identity a mapper read, by the text it came from. Claude Code repeats the same e-mail
 * and ids on every point of a request; comparing the decoded strings spares normalising them again
 * (and, unlike comparing bytes, does not encode them back to UTF-8).
 */
final class IdentityMemo {

  private String emailText;
  private UserIdentity email;
  private AnyValue linkedAccount;
  private AnyValue linkedId;
  private UserIdentity linkedEmail;

  /** The e-mail identity of this string value if it was the last e-mail read, else null. */
  UserIdentity knownEmail(String text) {
    return text.equals(emailText) ? email : null;
  }

  /** The e-mail identity of {@code text} (a non-blank string attribute value). */
  UserIdentity email(String text) {
    if (!text.equals(emailText)) {
      emailText = text;
      email = UserIdentity.email(text);
    }
    return email;
  }

  /** Whether these ids were already linked to this e-mail by the previous point. */
  boolean alreadyLinked(AnyValue account, AnyValue id, UserIdentity to) {
    if (to.equals(linkedEmail) && same(account, linkedAccount) && same(id, linkedId)) {
      return true;
    }
    linkedEmail = to;
    linkedAccount = account;
    linkedId = id;
    return false;
  }

  /** Equal values (absent counts as a value); strings compared as the decoded text. */
  private static boolean same(AnyValue value, AnyValue other) {
    if (value == null || other == null) {
      return value == other;
    }
    if (value.getValueCase() != other.getValueCase()) {
      return false;
    }
    return value.getValueCase() == AnyValue.ValueCase.STRING_VALUE
        ? value.getStringValue().equals(other.getStringValue())
        : value.equals(other);
  }
}
