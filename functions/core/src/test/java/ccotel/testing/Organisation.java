package ccotel.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An organisation made of the captured Claude Code session ({@code
 * fixtures/claude-code/json-delta}, OTLP/JSON): each member replays it on each of their active
 * days, with their own e-mail (or none), ids, terminal type and timestamps moved to that day. Every
 * replay counts as the capture does, so each member-day's §4 record is the capture's expected
 * record with its date, actor and terminal changed ({@link #expectedRecords}).
 */
public final class Organisation {

  /** The captured session rewritten here: its requests are OTLP/JSON, so they can be edited. */
  public static final String SCENARIO = "json-delta";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> TIME_FIELDS =
      Set.of("timeUnixNano", "startTimeUnixNano", "observedTimeUnixNano");
  private static final long NANOS_PER_MINUTE = 60_000_000_000L;

  /**
   * One person.
   *
   * @param email their e-mail as their client sends it (any case); null for a member known only by
   *     {@code user.id}
   * @param userId their {@code user.id}
   * @param terminalType the {@code terminal.type} of their sessions
   * @param days the UTC days they use Claude Code on, one session each
   * @param team the {@code team} resource attribute their client sends; null for none
   */
  public record Member(
      String email, String userId, String terminalType, List<LocalDate> days, String team) {

    public Member {
      days = List.copyOf(days);
    }

    /** A member whose client sends no team. */
    public Member(String email, String userId, String terminalType, List<LocalDate> days) {
      this(email, userId, terminalType, days, null);
    }

    /** The actor of their §4 records. */
    public ObjectNode actor() {
      ObjectNode actor = MAPPER.createObjectNode();
      actor.put("type", "user_actor");
      if (email == null) {
        actor.putNull("email_address");
        actor.put("user_id", userId);
      } else {
        actor.put("email_address", email.trim().toLowerCase(java.util.Locale.ROOT));
      }
      return actor;
    }
  }

  private Organisation() {}

  /** The day the capture was made on. */
  public static LocalDate captureDay() {
    return LocalDate.parse(expectedCapture().get("date").asText().substring(0, 10));
  }

  /**
   * Five members over the six days before the capture's (so that no timestamp is in the future of a
   * clock at or after the capture): three terminal types, one member without e-mail, one whose
   * client sends a mixed-case e-mail, two whose clients send a team attribute, days with nobody and
   * with everybody.
   */
  public static List<Member> members() {
    LocalDate first = captureDay().minusDays(5);
    return List.of(
        new Member("ada@org.example", "uid-ada", "vscode", days(first, 0, 1, 2, 4, 5)),
        new Member("Bob@Org.Example", "uid-bob", "iTerm.app", days(first, 0, 2, 5)),
        new Member("cy@org.example", "uid-cy", "vscode", days(first, 1, 5), "mobile"),
        new Member("dee@org.example", "uid-dee", "non-interactive", days(first, 4, 5)),
        new Member(null, "uid-anon", "tmux", days(first, 2, 5), "mobile"));
  }

  /** Day 3 of {@link #members()}' six has nobody. */
  private static List<LocalDate> days(LocalDate first, int... offsets) {
    List<LocalDate> days = new ArrayList<>();
    for (int offset : offsets) {
      days.add(first.plusDays(offset));
    }
    return days;
  }

  /** Every member's sessions as requests, day by day, each session's in its captured order. */
  public static List<Fixtures.CapturedRequest> requests(List<Member> members) {
    List<Fixtures.CapturedRequest> captured = Fixtures.requests(SCENARIO);
    List<Fixtures.CapturedRequest> requests = new ArrayList<>();
    LocalDate first =
        members.stream()
            .flatMap(m -> m.days().stream())
            .min(LocalDate::compareTo)
            .orElse(captureDay());
    LocalDate last =
        members.stream()
            .flatMap(m -> m.days().stream())
            .max(LocalDate::compareTo)
            .orElse(captureDay());
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      for (int index = 0; index < members.size(); index++) {
        Member member = members.get(index);
        if (!member.days().contains(day)) {
          continue;
        }
        // A minute apart per member, so that sessions differ in time as well as in ids.
        long shift =
            ChronoUnit.DAYS.between(captureDay(), day) * 1440 * NANOS_PER_MINUTE
                + index * NANOS_PER_MINUTE;
        for (Fixtures.CapturedRequest request : captured) {
          requests.add(
              new Fixtures.CapturedRequest(
                  "organisation",
                  day + "-" + index + "-" + request.name(),
                  request.method(),
                  request.path(),
                  request.headers(),
                  rewrite(request.body(), member, day, shift)));
        }
      }
    }
    return requests;
  }

  /** The §4 records the members' sessions make, in the API's order (date, then actor). */
  public static List<JsonNode> expectedRecords(List<Member> members) {
    List<JsonNode> records = new ArrayList<>();
    for (Member member : members) {
      for (LocalDate day : member.days()) {
        ObjectNode record = expectedCapture().deepCopy();
        record.put("date", day + "T00:00:00Z");
        record.set("actor", member.actor());
        record.put("terminal_type", member.terminalType());
        ((ObjectNode) record.get("ccotel")).put("team", member.team());
        for (JsonNode terminal : record.at("/ccotel/terminals")) {
          ((ObjectNode) terminal).put("terminal_type", member.terminalType());
        }
        records.add(record);
      }
    }
    records.sort(
        java.util.Comparator.comparing((JsonNode r) -> r.get("date").asText())
            .thenComparing(r -> actorValue(r.get("actor"))));
    return records;
  }

  /** What §4 orders actors by: the e-mail, else the id. */
  public static String actorValue(JsonNode actor) {
    return actor.get("email_address").isNull()
        ? actor.get("user_id").asText()
        : actor.get("email_address").asText();
  }

  private static ObjectNode expectedCapture() {
    JsonNode expected = Json.read(Fixtures.expected(SCENARIO));
    if (expected.size() != 1) {
      throw new IllegalStateException(SCENARIO + " should make one record");
    }
    return (ObjectNode) expected.get(0);
  }

  private static byte[] rewrite(byte[] body, Member member, LocalDate day, long shiftNanos) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rewrite(tree, member, day, shiftNanos);
    return tree.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void rewrite(JsonNode node, Member member, LocalDate day, long shiftNanos) {
    if (node.isArray()) {
      Iterator<JsonNode> elements = node.elements();
      while (elements.hasNext()) {
        JsonNode element = elements.next();
        if (member.email() == null && isAttribute(element, "user.email")) {
          elements.remove(); // known only by user.id
        } else {
          rewrite(element, member, day, shiftNanos);
        }
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    ObjectNode object = (ObjectNode) node;
    if (member.team() != null
        && object.has("resource")
        && object.get("resource").has("attributes")) {
      ObjectNode team = ((ArrayNode) object.get("resource").get("attributes")).addObject();
      team.put("key", "team");
      team.putObject("value").put("stringValue", member.team());
    }
    if (object.has("key") && object.has("value")) {
      String value = value(object.get("key").asText(), member, day);
      if (value != null) {
        ((ObjectNode) object.get("value")).removeAll().put("stringValue", value);
      } else if (object.get("key").asText().equals("event.timestamp")) {
        shiftText((ObjectNode) object.get("value"), shiftNanos);
      }
      return;
    }
    for (String field : TIME_FIELDS) {
      JsonNode time = object.get(field);
      if (time != null && !time.asText().equals("0")) {
        // OTLP/JSON writes 64-bit integers as strings.
        object.put(field, Long.toString(Long.parseLong(time.asText()) + shiftNanos));
      }
    }
    object.fields().forEachRemaining(f -> rewrite(f.getValue(), member, day, shiftNanos));
  }

  /** The member's value of an identity or terminal attribute; null for others. */
  private static String value(String key, Member member, LocalDate day) {
    return switch (key) {
      case "user.email" -> member.email();
      case "user.id" -> member.userId();
      case "user.account_uuid" ->
          UUID.nameUUIDFromBytes(member.userId().getBytes(StandardCharsets.UTF_8)).toString();
      case "session.id" ->
          UUID.nameUUIDFromBytes((member.userId() + day).getBytes(StandardCharsets.UTF_8))
              .toString();
      case "terminal.type" -> member.terminalType();
      case "user.name" -> "Member " + member.userId();
      default -> null;
    };
  }

  private static void shiftText(ObjectNode value, long shiftNanos) {
    try {
      Instant at = Instant.parse(value.path("stringValue").asText());
      value.set("stringValue", TextNode.valueOf(at.plusNanos(shiftNanos).toString()));
    } catch (DateTimeParseException e) {
      // not a time: left as sent
    }
  }

  private static boolean isAttribute(JsonNode node, String key) {
    return node.isObject() && node.has("key") && node.get("key").asText().equals(key);
  }
}
