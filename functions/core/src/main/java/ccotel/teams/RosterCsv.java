package ccotel.teams;

import ccotel.usage.Labels;
import ccotel.usage.UserIdentity;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a roster file: UTF-8 CSV with the header {@code email,team[,department[,cost_center]]} (RFC
 * 4180 quoting: a field in double quotes may hold commas, and {@code ""} is a quote mark). E-mails
 * are trimmed and lower-cased, values trimmed; an empty department or cost center is none. Anything
 * wrong refuses the whole file with the line at fault, so an import changes all or nothing.
 */
public final class RosterCsv {

  /** The columns, in the order a header must name them (the first two at least). */
  public static final List<String> COLUMNS = List.of("email", "team", "department", "cost_center");

  /** Largest file, and most members: a roster is read whole on every query. */
  public static final int MAX_BYTES = 4 * 1024 * 1024;

  public static final int MAX_MEMBERS = 50_000;

  /** Longest e-mail (RFC 5321 allows 254 characters). */
  public static final int MAX_EMAIL_CHARS = 254;

  /** Longest team, department or cost center: as long as such an attribute may be. */
  public static final int MAX_VALUE_CHARS = Labels.MAX_VALUE_CHARS;

  private RosterCsv() {}

  public static Roster parse(byte[] file) throws RosterFormatException {
    if (file.length > MAX_BYTES) {
      throw new RosterFormatException(1, "the file is larger than " + MAX_BYTES + " bytes");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(file))
              .toString();
    } catch (CharacterCodingException e) {
      throw new RosterFormatException(1, "the file is not UTF-8 text");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte order mark, as spreadsheets write
    }
    String[] lines = text.split("\r?\n", -1);
    List<String> header = fields(lines[0], 1);
    int columns = header.size();
    if (columns < 2
        || columns > COLUMNS.size()
        || !lowerCased(header).equals(COLUMNS.subList(0, columns))) {
      throw new RosterFormatException(
          1, "the header must be email,team or email,team,department[,cost_center]");
    }
    Map<String, Membership> members = new TreeMap<>();
    Map<String, Integer> lineOf = new HashMap<>();
    for (int index = 1; index < lines.length; index++) {
      int line = index + 1;
      if (lines[index].isBlank()) {
        continue; // a blank line, e.g. the file's last
      }
      List<String> values = fields(lines[index], line);
      if (values.size() != columns) {
        throw new RosterFormatException(
            line, "expected " + columns + " fields as in the header, found " + values.size());
      }
      String email = values.get(0).toLowerCase(Locale.ROOT);
      check(email, "email", MAX_EMAIL_CHARS, line);
      if (email.indexOf('@') <= 0 || email.indexOf('@') == email.length() - 1) {
        throw new RosterFormatException(line, "the email is not an e-mail address");
      }
      Integer first = lineOf.putIfAbsent(email, line);
      if (first != null) {
        // The address is not repeated back: messages may reach a log.
        throw new RosterFormatException(line, "the same email is on line " + first + " already");
      }
      String team = values.get(1);
      check(team, "team", MAX_VALUE_CHARS, line);
      if (team.indexOf(',') >= 0) {
        // team= could not select it: a comma cannot be told from a repeated team parameter.
        throw new RosterFormatException(line, "a team name may not hold a comma");
      }
      String department = optional(values, 2, "department", line);
      String costCenter = optional(values, 3, "cost_center", line);
      members.put(email, Membership.of(team, department, costCenter));
      if (members.size() > MAX_MEMBERS) {
        throw new RosterFormatException(line, "more than " + MAX_MEMBERS + " members");
      }
    }
    return Roster.of(members);
  }

  private static List<String> lowerCased(List<String> header) {
    List<String> lowerCased = new ArrayList<>();
    header.forEach(h -> lowerCased.add(h.toLowerCase(Locale.ROOT)));
    return lowerCased;
  }

  private static String optional(List<String> values, int column, String name, int line)
      throws RosterFormatException {
    if (values.size() <= column || values.get(column).isEmpty()) {
      return null;
    }
    check(values.get(column), name, MAX_VALUE_CHARS, line);
    return values.get(column);
  }

  private static void check(String value, String name, int maxChars, int line)
      throws RosterFormatException {
    if (value.isEmpty()) {
      throw new RosterFormatException(line, "the " + name + " is empty");
    }
    if (value.length() > maxChars) {
      throw new RosterFormatException(
          line, "the " + name + " is longer than " + maxChars + " characters");
    }
    if (!UserIdentity.isPrintable(value)) {
      throw new RosterFormatException(line, "the " + name + " holds unprintable characters");
    }
  }

  /** The line's fields, trimmed; RFC 4180 quotes may hold commas and doubled quote marks. */
  static List<String> fields(String line, int lineNumber) throws RosterFormatException {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    while (true) {
      // Spaces around a field are not part of it (nor of a quoted one).
      while (i < line.length() && line.charAt(i) == ' ') {
        i++;
      }
      if (i < line.length() && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= line.length()) {
            throw new RosterFormatException(lineNumber, "a quoted field is not closed");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        while (i < line.length() && line.charAt(i) == ' ') {
          i++;
        }
        if (i < line.length() && line.charAt(i) != ',') {
          throw new RosterFormatException(lineNumber, "text after a quoted field");
        }
      } else {
        while (i < line.length() && line.charAt(i) != ',') {
          char c = line.charAt(i++);
          if (c == '"') {
            throw new RosterFormatException(lineNumber, "a quote mark inside an unquoted field");
          }
          field.append(c);
        }
      }
      fields.add(field.toString().trim());
      field.setLength(0);
      if (i >= line.length()) {
        return fields;
      }
      i++; // the comma
    }
  }
}
