package ccotel.usage;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;

/**
 * The last identity a mapper read, by the bytes it came from. Claude Code repeats the same e-mail
 * and ids on every point of a request; comparing bytes spares decoding and normalising them again.
 */
final class IdentityMemo {

  private ByteString emailBytes;
  private UserIdentity email;
  private ByteString linkedAccount;
  private AnyValue.ValueCase linkedAccountCase;
  private ByteString linkedId;
  private AnyValue.ValueCase linkedIdCase;
  private UserIdentity linkedEmail;

  /** The e-mail identity of these bytes if they were the last e-mail read, else null. */
  UserIdentity knownEmail(ByteString bytes) {
    return bytes.equals(emailBytes) ? email : null;
  }

  /** The e-mail identity of {@code value} (a non-blank string attribute value). */
  UserIdentity email(AnyValue value, String text) {
    ByteString bytes = value.getStringValueBytes();
    if (!bytes.equals(emailBytes)) {
      emailBytes = bytes;
      email = UserIdentity.email(text);
    }
    return email;
  }

  /** Whether these ids were already linked to this e-mail by the previous point. */
  boolean alreadyLinked(AnyValue account, AnyValue id, UserIdentity to) {
    ByteString accountBytes = bytesOf(account);
    ByteString idBytes = bytesOf(id);
    AnyValue.ValueCase accountCase = caseOf(account);
    AnyValue.ValueCase idCase = caseOf(id);
    if (to.equals(linkedEmail)
        && accountCase == linkedAccountCase
        && idCase == linkedIdCase
        && accountBytes.equals(linkedAccount)
        && idBytes.equals(linkedId)) {
      return true;
    }
    linkedEmail = to;
    linkedAccount = accountBytes;
    linkedAccountCase = accountCase;
    linkedId = idBytes;
    linkedIdCase = idCase;
    return false;
  }

  /** A value as bytes: a string's own (no copy, no decoding), anything else serialized. */
  private static ByteString bytesOf(AnyValue value) {
    if (value == null) {
      return ByteString.EMPTY;
    }
    return value.getValueCase() == AnyValue.ValueCase.STRING_VALUE
        ? value.getStringValueBytes()
        : value.toByteString();
  }

  private static AnyValue.ValueCase caseOf(AnyValue value) {
    return value == null ? AnyValue.ValueCase.VALUE_NOT_SET : value.getValueCase();
  }
}
