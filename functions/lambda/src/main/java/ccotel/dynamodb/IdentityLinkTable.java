package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.STATE_KEY;
import static ccotel.dynamodb.ItemLayout.s;

import ccotel.usage.UserIdentity;
import java.util.Collection;
import java.util.HashMap;
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
