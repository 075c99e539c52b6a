package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.STATE_KEY;
import static ccotel.dynamodb.ItemLayout.n;
import static ccotel.dynamodb.ItemLayout.s;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.teams.Membership;
import ccotel.teams.Roster;
import ccotel.teams.RosterStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Rosters in the state table, replaced atomically: a new roster is written as a new version's
 * chunks ({@code r#<connection>#<version>#<n>}, each at most {@value #MAX_CHUNK_BYTES} bytes of
 * members), then the pointer {@code r#<connection>} (version, chunk count) is flipped to it by one
 * conditional write, then the old version's chunks are deleted. A reader reads the pointer and then
 * the chunks it names in one BatchGet; if a flip deleted them in between, it reads again. Members
 * are lines of tab-separated fields (a roster's values never hold a tab: they are printable).
 */
public final class DynamoDbRosterStore implements RosterStore {

  static final String PREFIX = "r#";
  static final int MAX_CHUNK_BYTES = 300_000;
  private static final String VERSION = "version";
  private static final String CHUNKS = "chunks";
  private static final String MEMBERS = "members";
  private static final int READ_ATTEMPTS = 3;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DynamoDbClient dynamoDb;
  private final String stateTable;

  public DynamoDbRosterStore(DynamoDbClient dynamoDb, String stateTable) {
    this.dynamoDb = dynamoDb;
    this.stateTable = stateTable;
  }

  /** The pointer to a connection's current roster version. */
  private record Pointer(String version, int chunks) {}

  @Override
  public Roster roster(String connectionId) throws UsageStoreUnavailableException {
    try {
      for (int attempt = 1; ; attempt++) {
        Optional<Pointer> pointer = pointer(connectionId);
        if (pointer.isEmpty()) {
          return Roster.EMPTY;
        }
        List<Map<String, AttributeValue>> chunks =
            DynamoDbCalls.batchGet(dynamoDb, stateTable, chunkKeys(connectionId, pointer.get()));
        if (chunks.size() == pointer.get().chunks()) {
          return decode(chunks);
        }
        // A newer import flipped the pointer and deleted these chunks meanwhile.
        if (attempt == READ_ATTEMPTS) {
          throw new UsageStoreUnavailableException(
              "the roster changed while being read, " + attempt + " times", null);
        }
      }
    } catch (SdkException e) {
      throw DynamoDbCalls.readFailure(e);
    }
  }

  @Override
  public void replace(String connectionId, Roster roster) throws UsageStoreUnavailableException {
    try {
      Optional<Pointer> old = pointer(connectionId);
      byte[] random = new byte[8];
      RANDOM.nextBytes(random);
      List<String> chunks = encode(roster);
      Pointer fresh = new Pointer(HexFormat.of().formatHex(random), chunks.size());
      List<WriteRequest> puts = new ArrayList<>();
      for (int i = 0; i < chunks.size(); i++) {
        Map<String, AttributeValue> item = new HashMap<>(chunkKey(connectionId, fresh, i));
        item.put(MEMBERS, s(chunks.get(i)));
        puts.add(
            WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
      }
      DynamoDbCalls.batchWrite(dynamoDb, stateTable, puts);
      try {
        // Only over the version read above: of two imports at once, one wins whole.
        dynamoDb.putItem(
            b ->
                b.tableName(stateTable)
                    .item(
                        Map.of(
                            STATE_KEY,
                            s(pointerKey(connectionId)),
                            VERSION,
                            s(fresh.version()),
                            CHUNKS,
                            n(fresh.chunks())))
                    .conditionExpression(old.isEmpty() ? "attribute_not_exists(#pk)" : "#v = :old")
                    .expressionAttributeNames(
                        old.isEmpty() ? Map.of("#pk", STATE_KEY) : Map.of("#v", VERSION))
                    .expressionAttributeValues(
                        old.isEmpty() ? null : Map.of(":old", s(old.get().version()))));
      } catch (ConditionalCheckFailedException e) {
        delete(connectionId, fresh);
        throw new IllegalStateException(
            "another roster import finished while this one ran; nothing of this one was kept,"
                + " import again");
      }
      if (old.isPresent()) {
        delete(connectionId, old.get());
      }
    } catch (SdkException e) {
      throw DynamoDbCalls.failure("replacing the roster", e);
    }
  }

  private Optional<Pointer> pointer(String connectionId) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                b ->
                    b.tableName(stateTable)
                        .key(Map.of(STATE_KEY, s(pointerKey(connectionId))))
                        .consistentRead(true))
            .item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Pointer(item.get(VERSION).s(), Integer.parseInt(item.get(CHUNKS).n())));
  }

  private void delete(String connectionId, Pointer pointer) throws UsageStoreUnavailableException {
    List<WriteRequest> deletes = new ArrayList<>();
    for (Map<String, AttributeValue> key : chunkKeys(connectionId, pointer)) {
      deletes.add(
          WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build());
    }
    DynamoDbCalls.batchWrite(dynamoDb, stateTable, deletes);
  }

  static String pointerKey(String connectionId) {
    return PREFIX + connectionId;
  }

  private static List<Map<String, AttributeValue>> chunkKeys(String connectionId, Pointer pointer) {
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (int i = 0; i < pointer.chunks(); i++) {
      keys.add(chunkKey(connectionId, pointer, i));
    }
    return keys;
  }

  private static Map<String, AttributeValue> chunkKey(
      String connectionId, Pointer pointer, int index) {
    return Map.of(STATE_KEY, s(pointerKey(connectionId) + "#" + pointer.version() + "#" + index));
  }

  /** The members as chunks of lines, each chunk at most {@value #MAX_CHUNK_BYTES} bytes. */
  static List<String> encode(Roster roster) {
    List<String> chunks = new ArrayList<>();
    StringBuilder chunk = new StringBuilder();
    int bytes = 0;
    for (Map.Entry<String, Membership> member : roster.members().entrySet()) {
      Membership m = member.getValue();
      String line =
          member.getKey()
              + '\t'
              + m.team().orElse("")
              + '\t'
              + m.department().orElse("")
              + '\t'
              + m.costCenter().orElse("")
              + '\n';
      int lineBytes = line.getBytes(StandardCharsets.UTF_8).length;
      if (bytes + lineBytes > MAX_CHUNK_BYTES) {
        chunks.add(chunk.toString());
        chunk.setLength(0);
        bytes = 0;
      }
      chunk.append(line);
      bytes += lineBytes;
    }
    if (chunk.length() > 0) {
      chunks.add(chunk.toString());
    }
    return chunks;
  }

  private static Roster decode(List<Map<String, AttributeValue>> chunks) {
    Map<String, Membership> members = new TreeMap<>();
    for (Map<String, AttributeValue> chunk : chunks) {
      for (String line : chunk.get(MEMBERS).s().split("\n")) {
        String[] fields = line.split("\t", -1);
        members.put(
            fields[0], Membership.of(fields[1], emptyAsNull(fields[2]), emptyAsNull(fields[3])));
      }
    }
    return Roster.of(members);
  }

  private static String emptyAsNull(String value) {
    return value.isEmpty() ? null : value;
  }
}
