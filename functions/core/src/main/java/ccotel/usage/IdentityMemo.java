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
  private ByteString linkedId;
  private UserIdentity linkedEmail;

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
    ByteString accountBytes = account == null ? ByteString.EMPTY : account.toByteString();
    ByteString idBytes = id == null ? ByteString.EMPTY : id.toByteString();
    if (to.equals(linkedEmail) && accountBytes.equals(linkedAccount) && idBytes.equals(linkedId)) {
      return true;
    }
    linkedEmail = to;
    linkedAccount = accountBytes;
    linkedId = idBytes;
    return false;
  }
}
