package ccotel.usage;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The attributes of a data point or log record, falling back to its resource's: Claude Code puts
 * identity on both, other senders may put it on only one.
 */
final class Attributes {

  private final List<KeyValue> own;
  private final List<KeyValue> resource;

  Attributes(List<KeyValue> own, List<KeyValue> resource) {
    this.own = own;
    this.resource = resource;
  }

  /**
   * The value as text; numbers and booleans as OTLP senders print them. Empty values count as
   * absent.
   */
  Optional<String> text(String key) {
    AnyValue value = find(own, key);
    if (value == null) {
      value = find(resource, key);
    }
    return value == null ? Optional.empty() : asText(value);
  }

  /** The value of {@code key} on the point or record itself, ignoring the resource. */
  Optional<String> ownText(String key) {
    AnyValue value = find(own, key);
    return value == null ? Optional.empty() : asText(value);
  }

  /** The user a point or record belongs to, by the precedence of CONTRACT §4. */
  Optional<UserIdentity> user() {
    Optional<String> email = text("user.email");
    if (email.isPresent() && !email.get().isBlank()) {
      return Optional.of(UserIdentity.email(email.get()));
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
    text("user.account_uuid")
        .filter(v -> !v.isBlank())
        .ifPresent(v -> links.put(UserIdentity.accountUuid(v), email));
    text("user.id")
        .filter(v -> !v.isBlank())
        .ifPresent(v -> links.put(UserIdentity.userId(v), email));
  }

  private static AnyValue find(List<KeyValue> attributes, String key) {
    for (int i = 0, n = attributes.size(); i < n; i++) {
      KeyValue attribute = attributes.get(i);
      if (attribute.getKey().equals(key)) {
        return attribute.getValue();
      }
    }
    return null;
  }

  private static Optional<String> asText(AnyValue value) {
    String text =
        switch (value.getValueCase()) {
          case STRING_VALUE -> value.getStringValue();
          case INT_VALUE -> Long.toString(value.getIntValue());
          case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
          case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
          default -> "";
        };
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  /** A numeric attribute: Claude Code sends most numbers as strings, some as doubles. */
  Optional<Double> number(String key) {
    AnyValue value = find(own, key);
    if (value == null) {
      return Optional.empty();
    }
    return switch (value.getValueCase()) {
      case DOUBLE_VALUE -> Optional.of(value.getDoubleValue());
      case INT_VALUE -> Optional.of((double) value.getIntValue());
      case STRING_VALUE -> parse(value.getStringValue());
      default -> Optional.empty();
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
