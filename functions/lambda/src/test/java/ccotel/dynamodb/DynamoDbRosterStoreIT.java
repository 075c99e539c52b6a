package ccotel.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.embedded.EmbeddedAws;
import ccotel.lambda.AwsTestStack;
import ccotel.teams.Membership;
import ccotel.teams.Roster;
import ccotel.teams.RosterCsv;
import ccotel.usage.UserIdentity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Rosters on DynamoDB Local: replaced whole, read whole, old versions gone, per connection. */
class DynamoDbRosterStoreIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private AwsTestStack stack;
  private DynamoDbRosterStore store;

  @BeforeEach
  void store() {
    stack = new AwsTestStack(AWS);
    store = new DynamoDbRosterStore(AWS.dynamoDb().client(), stack.config.stateTable());
  }

  @Test
  void aConnectionWithoutImport_hasAnEmptyRoster() throws Exception {
    assertEquals(Roster.EMPTY, store.roster("conn_never"));
  }

  @Test
  void anImport_replacesTheRoster_membersNotInItAreGone_andEmailsMatchInAnyCase() throws Exception {
    store.replace(
        "conn_a",
        parse("email,team,department\nAda@Org.Example,platform,eng\nbob@org.example,payments,"));
    store.replace("conn_a", parse("email,team\nada@org.example,mobile\ncy@org.example,mobile"));

    Roster roster = store.roster("conn_a");
    assertEquals(
        Map.of(
            "ada@org.example", Membership.of("mobile", null, null),
            "cy@org.example", Membership.of("mobile", null, null)),
        roster.members());
    assertEquals(
        Optional.of(Membership.of("mobile", null, null)),
        roster.membership(UserIdentity.email("ADA@org.example")));
    assertEquals(
        2, rosterItems("conn_a").size(), "the pointer and one chunk: " + rosterItems("conn_a"));
  }

  @Test
  void aLargeRoster_isSplitIntoChunks_readBackWhole_andItsChunksGoWhenReplaced() throws Exception {
    TreeMap<String, Membership> members = new TreeMap<>();
    for (int i = 0; i < 10_000; i++) { // about 1.3 MB
      members.put(
          "member" + i + "@org.example",
          Membership.of("team-" + (i % 37) + "-" + "t".repeat(80), "dept " + (i % 5), "cc-" + i));
    }
    Roster large = Roster.of(members);
    store.replace("conn_large", large);

    assertEquals(large, store.roster("conn_large"));
    int chunks = rosterItems("conn_large").size() - 1;
    assertTrue(chunks >= 4, "expected several chunks of at most 300 KB, got " + chunks);

    store.replace("conn_large", parse("email,team\nsolo@org.example,core"));
    assertEquals(1, store.roster("conn_large").size());
    assertEquals(2, rosterItems("conn_large").size(), "the old version's chunks are deleted");
  }

  @Test
  void eachConnection_readsOnlyItsOwnRoster() throws Exception {
    store.replace("conn_one", parse("email,team\na@org.example,one"));
    store.replace("conn_two", parse("email,team\nb@org.example,two"));
    // A connection id that is another's prefix reads nothing of it.
    assertEquals(Roster.EMPTY, store.roster("conn_on"));

    assertEquals(
        Map.of("a@org.example", Membership.of("one", null, null)),
        store.roster("conn_one").members());
    assertEquals(
        Map.of("b@org.example", Membership.of("two", null, null)),
        store.roster("conn_two").members());
  }

  @Test
  void anEmptyImport_leavesAnEmptyRoster() throws Exception {
    store.replace("conn_e", parse("email,team\na@org.example,one"));
    store.replace("conn_e", parse("email,team\n"));
    assertEquals(Roster.EMPTY, store.roster("conn_e"));
    assertEquals(1, rosterItems("conn_e").size());
  }

  private static Roster parse(String csv) throws Exception {
    return RosterCsv.parse(csv.getBytes(StandardCharsets.UTF_8));
  }

  /** The state table's roster items of a connection: its pointer and its chunks. */
  private List<String> rosterItems(String connectionId) {
    List<String> keys = new ArrayList<>();
    for (Map<String, AttributeValue> item :
        AWS.dynamoDb()
            .client()
            .scanPaginator(b -> b.tableName(stack.config.stateTable()))
            .items()) {
      String key = item.get(ItemLayout.STATE_KEY).s();
      if (key.equals("r#" + connectionId) || key.startsWith("r#" + connectionId + "#")) {
        keys.add(key);
      }
    }
    return keys;
  }
}
