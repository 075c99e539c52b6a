package ccotel.local;

import ccotel.testing.Fixtures;
import ccotel.testing.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An organisation made from one captured Claude Code session (json-delta, OTLP/JSON): the session
 * replayed once for each of several users on several days, its e-mail and timestamps rewritten.
 * Each user-day therefore holds exactly the scenario's expected.json record, under its own e-mail
 * and date.
 */
final class Organisation {

  static final String SCENARIO = "json-delta";
  private static final String CAPTURED_EMAIL = "dev@example.com";
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;

  /** Whose sessions, on which days (counted back from today). */
  record UserDays(String email, List<Integer> daysAgo) {}

  private final Map<String, List<LocalDate>> days;
  private final JsonNode record;
  private final LocalDate capturedDay;

  Organisation(List<UserDays> users, LocalDate today) {
    Map<String, List<LocalDate>> byUser = new java.util.LinkedHashMap<>();
    for (UserDays user : users) {
      byUser.put(user.email(), user.daysAgo().stream().map(today::minusDays).toList());
    }
    this.days = byUser;
    this.record = Json.read(Fixtures.expected(SCENARIO)).get(0);
    this.capturedDay = LocalDate.parse(record.get("date").asText().substring(0, 10));
  }

  /** Every request of every user-day, e-mail and times rewritten. */
  List<Fixtures.CapturedRequest> requests() {
    List<Fixtures.CapturedRequest> requests = new ArrayList<>();
    days.forEach(
        (email, userDays) -> {
          for (LocalDate day : userDays) {
            long shift = ChronoUnit.DAYS.between(capturedDay, day) * NANOS_PER_DAY;
            for (Fixtures.CapturedRequest request : Fixtures.requests(SCENARIO)) {
              JsonNode body = Json.read(request.body());
              rewrite(body, email, shift);
              requests.add(
                  new Fixtures.CapturedRequest(
                      request.scenario(),
                      email + "/" + day + "/" + request.name(),
                      request.method(),
                      request.path(),
                      request.headers(),
                      body.toString().getBytes(StandardCharsets.UTF_8)));
            }
          }
        });
    return requests;
  }

  /** The users with a day in {@code from..to}. */
  List<String> usersIn(LocalDate from, LocalDate to) {
    return days.entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(d -> !d.isBefore(from) && !d.isAfter(to)))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** How many user-days fall in {@code from..to}. */
  int userDaysIn(LocalDate from, LocalDate to) {
    return (int)
        days.values().stream()
            .flatMap(List::stream)
            .filter(d -> !d.isBefore(from) && !d.isAfter(to))
            .count();
  }

  int userDays() {
    return days.values().stream().mapToInt(List::size).sum();
  }

  /** The captured session's record: what each user-day holds. */
  JsonNode record() {
    return record;
  }

  /** Shifts every OTLP timestamp by {@code shift} nanoseconds and swaps the captured e-mail. */
  private static void rewrite(JsonNode node, String email, long shift) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      List<Map.Entry<String, JsonNode>> all = new ArrayList<>();
      fields.forEachRemaining(all::add);
      for (Map.Entry<String, JsonNode> field : all) {
        String name = field.getKey();
        JsonNode value = field.getValue();
        if (name.endsWith("TimeUnixNano") || name.equals("timeUnixNano")) {
          long nanos = Long.parseLong(value.asText());
          if (nanos != 0) {
            object.put(name, Long.toString(nanos + shift));
          }
        } else if (name.equals("stringValue") && value.asText().equals(CAPTURED_EMAIL)) {
          object.set(name, new TextNode(email));
        } else {
          rewrite(value, email, shift);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> rewrite(child, email, shift));
    }
  }
}
