package ccotel.usage;

import ccotel.otlp.LongValues;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Identity of a cumulative series: metric name, data point attributes, resource attributes and
 * start time (CONTRACT §4), as a SHA-256 over a canonical form so that attribute order does not
 * matter. 128 bits of the hash are kept: collisions are out of reach and the key stays short.
 */
public record SeriesId(String value) implements Comparable<SeriesId> {

  private static final Comparator<KeyValue> BY_KEY = Comparator.comparing(KeyValue::getKey);

  public static SeriesId of(
      String metricName,
      List<KeyValue> pointAttributes,
      List<KeyValue> resourceAttributes,
      long startTimeUnixNano) {
    MessageDigest sha256 = sha256();
    update(sha256, ByteString.copyFromUtf8(metricName));
    updateAll(sha256, pointAttributes);
    updateAll(sha256, resourceAttributes);
    update(sha256, ByteString.copyFromUtf8(Long.toString(startTimeUnixNano)));
    byte[] digest = sha256.digest();
    return new SeriesId(HexFormat.of().formatHex(digest, 0, 16));
  }

  private static void updateAll(MessageDigest sha256, List<KeyValue> attributes) {
    List<KeyValue> sorted = new ArrayList<>(attributes);
    sorted.sort(BY_KEY);
    update(sha256, ByteString.copyFromUtf8(Integer.toString(sorted.size())));
    for (KeyValue attribute : sorted) {
      update(sha256, attribute.getKeyBytes());
      update(sha256, LongValues.identityBytes(attribute.getValue()));
    }
  }

  // Length-prefixed, so that ("ab","c") and ("a","bc") hash differently.
  private static void update(MessageDigest sha256, ByteString bytes) {
    sha256.update(Integer.toString(bytes.size()).getBytes(StandardCharsets.US_ASCII));
    sha256.update((byte) ':');
    sha256.update(bytes.asReadOnlyByteBuffer());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public int compareTo(SeriesId other) {
    return value.compareTo(other.value);
  }
}
