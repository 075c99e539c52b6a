package ccotel.teams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RosterCsvTest {

  @Test
  void goodFile_givesEveryMember_emailsLowerCased_quotedCommasKept() throws Exception {
    Roster roster =
        parse(
            "\uFEFFEmail,Team,Department,Cost_Center\r\n"
                + "  Ada@Org.Example , platform, eng, cc-1\r\n"
                + "bob@org.example,payments,\"R&D, EU\",\r\n"
                + "\r\n"
                + "cy@org.example,\"say \"\"hi\"\"\",sales,\n");

    assertEquals(
        Map.of(
            "ada@org.example", Membership.of("platform", "eng", "cc-1"),
            "bob@org.example", Membership.of("payments", "R&D, EU", null),
            "cy@org.example", Membership.of("say \"hi\"", "sales", null)),
        roster.members());
  }

  @Test
  void twoColumns_areEnough() throws Exception {
    assertEquals(
        Map.of("a@x.example", Membership.of("core", null, null)),
        parse("email,team\na@x.example,core").members());
    assertEquals(0, parse("email,team\n").size());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bad header                | mail,team\\na@x.example,t                   | 1 | header",
        "header without team       | email\\na@x.example                         | 1 | header",
        "columns out of order      | team,email\\nt,a@x.example                  | 1 | header",
        "too few fields            | email,team,department\\na@x.example,t       | 2 | expected 3 fields",
        "too many fields           | email,team\\na@x.example,t\\nb@x.example,t,x | 3 | expected 2 fields",
        "duplicate, other case     | email,team\\na@x.example,t\\n\\nA@X.example,u | 4 | line 2 already",
        "empty team                | email,team\\na@x.example,  \\n               | 2 | team is empty",
        "empty email               | email,team\\n,t                              | 2 | email is empty",
        "not an address            | email,team\\nnobody,t                        | 2 | not an e-mail",
        "unprintable team          | email,team\\na@x.example,t\\u0007x           | 2 | unprintable",
        "bidi override             | email,team\\na@x.example,t\\u202Ex           | 2 | unprintable",
        "unclosed quote            | email,team\\na@x.example,\"t                 | 2 | not closed",
        "quote inside a field      | email,team\\na@x.example,t\"x                | 2 | quote mark",
        "comma in a team           | email,team\\na@x.example,\"a,b\"            | 2 | comma",
      })
  void malformedFile_isRefused_withTheLineAtFault(
      String name, String file, int line, String problem) {
    RosterFormatException refused =
        assertThrows(RosterFormatException.class, () -> parse(unescape(file)));

    assertEquals(line, refused.line(), refused.getMessage());
    assertTrue(refused.getMessage().startsWith("line " + line + ": "), refused.getMessage());
    assertTrue(refused.getMessage().contains(problem), refused.getMessage());
  }

  @Test
  void overLongValues_andOversizedFiles_areRefused() {
    String longTeam = "t".repeat(RosterCsv.MAX_VALUE_CHARS + 1);
    assertEquals(
        2,
        assertThrows(
                RosterFormatException.class, () -> parse("email,team\na@x.example," + longTeam))
            .line());
    assertThrows(
        RosterFormatException.class, () -> RosterCsv.parse(new byte[RosterCsv.MAX_BYTES + 1]));
    assertThrows(
        RosterFormatException.class,
        () -> RosterCsv.parse(new byte[] {'e', 'm', (byte) 0xC3, 0x28}));
  }

  @Test
  void duplicateMessage_doesNotRepeatTheAddress() {
    RosterFormatException refused =
        assertThrows(
            RosterFormatException.class,
            () -> parse("email,team\nsecret@x.example,a\nsecret@x.example,b"));
    assertTrue(!refused.getMessage().contains("secret"), refused.getMessage());
  }

  private static Roster parse(String text) throws RosterFormatException {
    return RosterCsv.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code \n} and {@code \\uXXXX} as written in the table above. */
  private static String unescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && text.charAt(i + 1) == 'n') {
        out.append('\n');
        i++;
      } else if (c == '\\' && text.charAt(i + 1) == 'u') {
        out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
