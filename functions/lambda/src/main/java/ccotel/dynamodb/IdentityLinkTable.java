package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.STATE_KEY;
import static ccotel.dynamodb.ItemLayout.s;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.usage.UserIdentity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Identity links: the e-mail each account id or user id was last seen with. They never expire: an
 * account keeps its e-mail until it is seen with another.
 */
final class IdentityLinkTable {

  private static final String LINKED_EMAIL = "email";

  private final ItemLayout.Tables tables;

  IdentityLinkTable(ItemLayout.Tables tables) {
    this.tables = tables;
  }

  Map<UserIdentity, UserIdentity> load(String connectionId, Collection<UserIdentity> users) {
    Map<UserIdentity, UserIdentity> found = new HashMap<>();
    // Usually one id (Claude Code sends one account per process): GetItem is enough.
    for (UserIdentity user : users) {
      Map<String, AttributeValue> item =
          tables
              .dynamoDb()
              .getItem(
                  b ->
                      b.tableName(tables.state())
                          .key(Map.of(STATE_KEY, s(ItemLayout.linkKey(connectionId, user))))
                          .consistentRead(true))
              .item();
      if (item != null && item.containsKey(LINKED_EMAIL)) {
        found.put(user, UserIdentity.email(item.get(LINKED_EMAIL).s()));
      }
    }
    return found;
  }

  /**
   * The links of many ids at once (the read side's e-mail backfill: every id of an answer), by
   * consistent BatchGetItem reads of their link items.
   */
  Map<UserIdentity, UserIdentity> loadMany(String connectionId, Collection<UserIdentity> users)
      throws UsageStoreUnavailableException {
    Map<String, UserIdentity> byKey = new HashMap<>();
    List<Map<String, AttributeValue>> keys = new ArrayList<>(users.size());
    for (UserIdentity user : users) {
      String key = ItemLayout.linkKey(connectionId, user);
      byKey.put(key, user);
      keys.add(Map.of(STATE_KEY, s(key)));
    }
    Map<UserIdentity, UserIdentity> found = new HashMap<>();
    for (Map<String, AttributeValue> item :
        DynamoDbCalls.batchGet(tables.dynamoDb(), tables.state(), keys)) {
      UserIdentity user = byKey.get(item.get(STATE_KEY).s());
      if (user != null && item.containsKey(LINKED_EMAIL)) {
        found.put(user, UserIdentity.email(item.get(LINKED_EMAIL).s()));
      }
    }
    return found;
  }

  void save(String connectionId, Map<UserIdentity, UserIdentity> links) {
    links.forEach(
        (id, email) ->
            tables
                .dynamoDb()
                .putItem(
                    b ->
                        b.tableName(tables.state())
                            .item(
                                Map.of(
                                    STATE_KEY, s(ItemLayout.linkKey(connectionId, id)),
                                    LINKED_EMAIL, s(email.value())))));
  }
}
