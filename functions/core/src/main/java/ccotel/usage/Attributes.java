package ccotel.usage;

import ccotel.otlp.LongValues;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The attributes of a data point or log record, falling back to its resource's: Claude Code puts
 * identity on both, other senders may put it on only one.
 */
final class Attributes {

  /** Every key the mappers read: what a queued projection keeps. */
  private static final Set<String> READ =
      Set.of(
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
          "cost_usd",
          "terminal.type",
          // Labels (see Labels): counted per user-day, so the projection keeps them.
          "team",
          "department",
          "cost_center",
          "organization.id");

  private final List<KeyValue> own;
  private final List<KeyValue> resource;

  Attributes(List<KeyValue> own, List<KeyValue> resource) {
    this.own = own;
    this.resource = resource;
  }

  /** Whether the mappers read {@code key}. */
  static boolean isRead(String key) {
    return READ.contains(key);
  }

  /**
   * The value as text; numbers and booleans as OTLP senders print them. Empty values count as
   * absent.
   */
  Optional<String> text(String key) {
    AnyValue value = value(key);
    return value == null ? Optional.empty() : asText(value);
  }

  /** What {@link #ownText} gives for {@code key} in {@code attributes}. */
  static Optional<String> firstText(List<KeyValue> attributes, String key) {
    AnyValue value = find(attributes, key);
    return value == null ? Optional.empty() : asText(value);
  }

  /** The value of {@code key} on the point or record itself, ignoring the resource. */
  Optional<String> ownText(String key) {
    AnyValue value = find(own, key);
    return value == null ? Optional.empty() : asText(value);
  }

  /**
   * The point's or record's {@code terminal.type}; empty when it has none, or one no counter may be
   * named by (too long): its usage is then the "unknown" terminal's, and still counts.
   */
  Optional<String> terminalType() {
    return text("terminal.type").filter(PointGate::fitsDimension);
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

  /** The ids a point links to an e-mail, as sent. */
  record LinkedIds(AnyValue account, AnyValue id, UserIdentity email) {}

  /**
   * Records that this point's account id and user id belong to {@code email}, so that data later
   * sent without the e-mail is counted for it; nothing to do when they are the {@code previous}
   * point's (Claude Code repeats them on every point). Returns this point's.
   */
  LinkedIds linkTo(UserIdentity email, Map<UserIdentity, UserIdentity> links, LinkedIds previous) {
    LinkedIds ids = new LinkedIds(value("user.account_uuid"), value("user.id"), email);
    if (!ids.equals(previous)) {
      link(UserIdentity.Kind.ACCOUNT_UUID, ids.account(), email, links);
      link(UserIdentity.Kind.USER_ID, ids.id(), email, links);
    }
    return ids;
  }

  private static void link(
      UserIdentity.Kind kind,
      AnyValue value,
      UserIdentity email,
      Map<UserIdentity, UserIdentity> links) {
    String text = value == null ? "" : textOf(value);
    if (mayNameUser(text)) {
      links.put(new UserIdentity(kind, text), email);
    }
  }

  /** Whether a link to this id may be stored. */
  private static boolean mayNameUser(String text) {
    return !text.isBlank()
        && text.length() <= PointGate.MAX_IDENTITY_CHARS
        && !LongValues.isDigestForm(text)
        && UserIdentity.isPrintable(text);
  }

  /** The raw value of {@code key}, the point's own before its resource's. */
  private AnyValue value(String key) {
    AnyValue value = find(own, key);
    return value != null ? value : find(resource, key);
  }

  /**
   * The value of the first attribute named {@code key}, or null. A scan: a point has about a dozen
   * attributes, and most keys differ from the one asked for in length.
   */
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
