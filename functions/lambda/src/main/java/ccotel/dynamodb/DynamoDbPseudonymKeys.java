package ccotel.dynamodb;

import ccotel.auth.TokenStoreUnavailableException;
import ccotel.views.PseudonymKeys;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Each connection's pseudonym key: the binary attribute {@value #PSEUDONYM_KEY} of its item in the
 * connections table. A key never changes once made (pseudonyms must stay stable), so a key read
 * once is kept for the life of the process; a connection without one is asked again next time.
 */
public final class DynamoDbPseudonymKeys implements PseudonymKeys {

  static final String PSEUDONYM_KEY = "pseudonymKey";

  private final DynamoDbClient dynamoDb;
  private final String connectionsTable;
  private final Map<String, byte[]> known = new ConcurrentHashMap<>();

  public DynamoDbPseudonymKeys(DynamoDbClient dynamoDb, String connectionsTable) {
    this.dynamoDb = dynamoDb;
    this.connectionsTable = connectionsTable;
  }

  @Override
  public Optional<byte[]> keyOf(String connectionId) throws TokenStoreUnavailableException {
    byte[] key = known.get(connectionId);
    if (key != null) {
      return Optional.of(key.clone());
    }
    Map<String, AttributeValue> item;
    try {
      item =
          dynamoDb
              .getItem(
                  b ->
                      b.tableName(connectionsTable)
                          .key(Map.of(ItemLayout.CONNECTION, ItemLayout.s(connectionId)))
                          .projectionExpression("#k")
                          .expressionAttributeNames(Map.of("#k", PSEUDONYM_KEY))
                          .consistentRead(true))
              .item();
    } catch (SdkException e) {
      // The message names the call, never the key.
      throw new TokenStoreUnavailableException("reading the connection's pseudonym key", e);
    }
    AttributeValue stored = item == null ? null : item.get(PSEUDONYM_KEY);
    if (stored == null || stored.b() == null || stored.b().asByteArray().length == 0) {
      return Optional.empty();
    }
    key = stored.b().asByteArray();
    known.put(connectionId, key);
    return Optional.of(key.clone());
  }
}
