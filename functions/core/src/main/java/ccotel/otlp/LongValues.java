package ccotel.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Attribute values too long to matter for counting (every value ccotel reads is short: names,
 * numbers, e-mail addresses) and the digest that stands in for them when a request must be made
 * small enough to queue. Series identity hashes the digest form too, so a trimmed and an untrimmed
 * copy of a point belong to the same cumulative series.
 */
public final class LongValues {

  /** Longer string values are replaced by their digest form. */
  public static final int MAX_CHARS = 4096;

  private static final String DIGEST_PREFIX = "ccotel:trimmed:";

  private LongValues() {}

  public static boolean isLong(AnyValue value) {
    return value.getValueCase() == AnyValue.ValueCase.STRING_VALUE
        && value.getStringValue().length() > MAX_CHARS;
  }

  /** The value as series identity sees it: long strings by their digest. */
  public static ByteString identityBytes(AnyValue value) {
    return isLong(value) ? digestForm(value).toByteString() : value.toByteString();
  }

  /** The attribute with a long string value replaced by its digest form. */
  public static KeyValue trimmed(KeyValue attribute) {
    return isLong(attribute.getValue())
        ? attribute.toBuilder().setValue(digestForm(attribute.getValue())).build()
        : attribute;
  }

  /**
   * Whether {@code text} is a digest form: it stands for a value longer than any name or identity
   * may be, so whatever refuses the long value must refuse its digest form too.
   */
  public static boolean isDigestForm(String text) {
    return text.startsWith(DIGEST_PREFIX);
  }

  private static AnyValue digestForm(AnyValue value) {
    String text = value.getStringValue();
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return AnyValue.newBuilder()
          .setStringValue(DIGEST_PREFIX + text.length() + ":" + HexFormat.of().formatHex(digest))
          .build();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
