package ccotel.usage;

import ccotel.otlp.LongValues;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The attributes of a data point or log record, falling back to its resource's: Claude Code puts
 * identity on both, other senders may put it on only one.
 */
final class Attributes {

  /** Every key the mappers read. Each list is scanned once, for all of them at a time. */
  private static final String[] KEYS = {
    "user.email",
    "user.account_uuid",
    "user.id",
    "type",
    "model",
    "tool_name",
    "decision",
    "success",
    "event.name",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_creation_tokens",
    "cost_usd"
  };

  private static final Map<String, Integer> SLOTS = new HashMap<>();

  static {
    for (int slot = 0; slot < KEYS.length; slot++) {
      SLOTS.put(KEYS[slot], slot);
    }
  }

  private final AnyValue[] own;
  private final AnyValue[] resource;

  /** {@code resource}: {@link #index} of the resource's attributes, made once per resource. */
  Attributes(List<KeyValue> own, AnyValue[] resource) {
    this.own = index(own);
    this.resource = resource;
  }

  /** The values of the known keys in {@code attributes} (the first of each), by slot. */
  static AnyValue[] index(List<KeyValue> attributes) {
    AnyValue[] values = new AnyValue[KEYS.length];
    for (int i = 0, n = attributes.size(); i < n; i++) {
      KeyValue attribute = attributes.get(i);
      int slot = slotOf(attribute.getKey());
      if (slot >= 0 && values[slot] == null) {
        values[slot] = attribute.getValue();
      }
    }
    return values;
  }

  /** Whether the mappers read {@code key}. */
  static boolean isRead(String key) {
    return slotOf(key) >= 0;
  }

  /** The slot of {@code key}, or -1 when the mappers do not read it. */
  private static int slotOf(String key) {
    return SLOTS.getOrDefault(key, -1);
  }

  /**
   * The value as text; numbers and booleans as OTLP senders print them. Empty values count as
   * absent.
   */
  Optional<String> text(String key) {
    AnyValue value = value(key);
    return value == null ? Optional.empty() : asText(value);
  }

  /** What {@link #ownText} gives for {@code key}, read from the list itself (no index made). */
  static Optional<String> firstText(List<KeyValue> attributes, String key) {
    for (int i = 0, n = attributes.size(); i < n; i++) {
      KeyValue attribute = attributes.get(i);
      if (attribute.getKey().equals(key)) {
        return asText(attribute.getValue());
      }
    }
    return Optional.empty();
  }

  /** The value of {@code key} on the point or record itself, ignoring the resource. */
  Optional<String> ownText(String key) {
    AnyValue value = find(own, key);
    return value == null ? Optional.empty() : asText(value);
  }

  /** The user a point or record belongs to, by the precedence of CONTRACT §4. */
  Optional<UserIdentity> user() {
    Optional<String> email = text("user.email").filter(v -> !v.isBlank());
    if (email.isPresent()) {
      return email.map(UserIdentity::email);
    }
    Optional<String> accountUuid = text("user.account_uuid").filter(v -> !v.isBlank());
    if (accountUuid.isPresent()) {
      return accountUuid.map(UserIdentity::accountUuid);
    }
    return text("user.id").filter(v -> !v.isBlank()).map(UserIdentity::userId);
  }

  /**
   * Records that this point's account id and user id belong to {@code email}, so that data later
   * sent without the e-mail is counted for it.
   */
  void linkTo(UserIdentity email, Map<UserIdentity, UserIdentity> links) {
    String account = nonBlankText("user.account_uuid");
    if (account != null) {
      links.put(UserIdentity.accountUuid(account), email);
    }
    String id = nonBlankText("user.id");
    if (id != null) {
      links.put(UserIdentity.userId(id), email);
    }
  }

  /** The value as text if it may name a user (a link to it is stored), else null. */
  private String nonBlankText(String key) {
    AnyValue value = value(key);
    String text = value == null ? "" : textOf(value);
    return text.isBlank()
            || text.length() > PointGate.MAX_IDENTITY_CHARS
            || LongValues.isDigestForm(text)
            || !UserIdentity.isPrintable(text)
        ? null
        : text;
  }

  /** The raw value of {@code key}, the point's own before its resource's. */
  private AnyValue value(String key) {
    AnyValue value = find(own, key);
    return value != null ? value : find(resource, key);
  }

  private static AnyValue find(AnyValue[] values, String key) {
    int slot = slotOf(key);
    if (slot < 0) {
      throw new IllegalArgumentException("not a key the mappers read: " + key);
    }
    return values[slot];
  }

  private static Optional<String> asText(AnyValue value) {
    String text = textOf(value);
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  /** The value as text, "" for kinds that have none. */
  private static String textOf(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      default -> "";
    };
  }

  /** The exact text of a numeric attribute, so that decimal strings convert without rounding. */
  Optional<String> numberText(String key) {
    AnyValue value = find(own, key);
    if (value == null) {
      return Optional.empty();
    }
    return switch (value.getValueCase()) {
      case DOUBLE_VALUE -> Optional.of(Double.toString(value.getDoubleValue()));
      case INT_VALUE -> Optional.of(Long.toString(value.getIntValue()));
      case STRING_VALUE -> parse(value.getStringValue()).map(v -> value.getStringValue().trim());
      default -> Optional.empty();
    };
  }

  private static Optional<Double> parse(String text) {
    try {
      return Optional.of(Double.parseDouble(text.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
