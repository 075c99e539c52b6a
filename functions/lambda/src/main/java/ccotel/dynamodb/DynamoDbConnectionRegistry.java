package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.n;
import static ccotel.dynamodb.ItemLayout.s;

import ccotel.auth.Connection;
import ccotel.auth.ConnectionLookup;
import ccotel.auth.ConnectionRegistry;
import ccotel.auth.PseudonymKey;
import ccotel.auth.ReadView;
import ccotel.auth.StoredToken;
import ccotel.auth.TokenGrant;
import ccotel.auth.TokenHash;
import ccotel.auth.TokenScope;
import ccotel.auth.TokenStoreUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Connections and token hashes in DynamoDB. Tokens table: partition key {@code tokenHash} (SHA-256
 * hex; the token itself is never stored), with the connection, scope, optional {@code
 * expiresAtMillis} (epoch milliseconds), a read token's {@code view} (absent: full, as for tokens
 * stored before views existed) and a per-user ingest token's {@code userEmail} (lower-cased) and
 * optional {@code userName}. Connections table: partition key {@code connectionId}, with the name,
 * creation time and the binary {@code pseudonymKey} (absent on connections made before it existed).
 */
public final class DynamoDbConnectionRegistry implements ConnectionRegistry, ConnectionLookup {

  static final String TOKEN_HASH = "tokenHash";
  static final String CONNECTION = "connectionId";
  private static final String SCOPE = "scope";
  private static final String NAME = "name";
  private static final String CREATED_AT = "createdAt";
  private static final String EXPIRES_AT = "expiresAtMillis";
  private static final String VIEW = "view";
  private static final String USER_EMAIL = "userEmail";
  private static final String USER_NAME = "userName";

  /** Read by the query side's own adapter too: keep the name. */
  static final String PSEUDONYM_KEY = "pseudonymKey";

  private final DynamoDbClient dynamoDb;
  private final String tokensTable;
  private final String connectionsTable;
  private final Clock clock;

  public DynamoDbConnectionRegistry(
      DynamoDbClient dynamoDb, String tokensTable, String connectionsTable, Clock clock) {
    this.dynamoDb = dynamoDb;
    this.tokensTable = tokensTable;
    this.connectionsTable = connectionsTable;
    this.clock = clock;
  }

  @Override
  public Optional<TokenGrant> find(TokenHash hash) throws TokenStoreUnavailableException {
    GetItemResponse response;
    try {
      response =
          dynamoDb.getItem(b -> b.tableName(tokensTable).key(Map.of(TOKEN_HASH, s(hash.hex()))));
    } catch (SdkException e) {
      throw new TokenStoreUnavailableException("reading token: " + e.getMessage(), e);
    }
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    StoredToken token = storedToken(response.item());
    return token.isActiveAt(clock.instant()) ? Optional.of(token.grant()) : Optional.empty();
  }

  @Override
  public void create(Connection connection, PseudonymKey pseudonymKey, List<StoredToken> tokens) {
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(
        TransactWriteItem.builder()
            .put(
                Put.builder()
                    .tableName(connectionsTable)
                    .item(
                        Map.of(
                            CONNECTION, s(connection.id()),
                            NAME, s(connection.name()),
                            CREATED_AT, s(connection.createdAt().toString()),
                            PSEUDONYM_KEY, binary(pseudonymKey)))
                    .conditionExpression("attribute_not_exists(" + CONNECTION + ")")
                    .build())
            .build());
    for (StoredToken token : tokens) {
      writes.add(TransactWriteItem.builder().put(tokenPut(token)).build());
    }
    dynamoDb.transactWriteItems(b -> b.transactItems(writes));
  }

  @Override
  public Optional<Connection> find(String connectionId) {
    GetItemResponse response =
        dynamoDb.getItem(
            b ->
                b.tableName(connectionsTable)
                    .key(Map.of(CONNECTION, s(connectionId)))
                    .consistentRead(true));
    return response.hasItem() && !response.item().isEmpty()
        ? Optional.of(connection(response.item()))
        : Optional.empty();
  }

  @Override
  public List<Connection> list() {
    List<Connection> connections = new ArrayList<>();
    dynamoDb
        .scanPaginator(
            ScanRequest.builder().tableName(connectionsTable).consistentRead(true).build())
        .items()
        .forEach(item -> connections.add(connection(item)));
    connections.sort(Comparator.comparing(Connection::createdAt).thenComparing(Connection::id));
    return connections;
  }

  // Admin-only and rare: a scan of the tokens table is simpler than an index kept for it.
  @Override
  public List<StoredToken> tokensOf(String connectionId) {
    List<StoredToken> tokens = new ArrayList<>();
    dynamoDb
        .scanPaginator(
            ScanRequest.builder()
                .tableName(tokensTable)
                .consistentRead(true)
                .filterExpression("#c = :c")
                .expressionAttributeNames(Map.of("#c", CONNECTION))
                .expressionAttributeValues(Map.of(":c", s(connectionId)))
                .build())
        .items()
        .forEach(item -> tokens.add(storedToken(item)));
    tokens.sort(Comparator.comparing(StoredToken::createdAt));
    return tokens;
  }

  @Override
  public void addToken(StoredToken token) {
    dynamoDb.putItem(
        b -> {
          Put put = tokenPut(token);
          b.tableName(put.tableName())
              .item(put.item())
              .conditionExpression(put.conditionExpression());
        });
  }

  @Override
  public void expireToken(TokenHash hash, Instant at) {
    try {
      dynamoDb.updateItem(
          b ->
              b.tableName(tokensTable)
                  .key(Map.of(TOKEN_HASH, s(hash.hex())))
                  .updateExpression("SET #e = :at")
                  // Only ever bring the end forward, and never create an item.
                  .conditionExpression(
                      "attribute_exists(#h) AND (attribute_not_exists(#e) OR #e > :at)")
                  .expressionAttributeNames(Map.of("#e", EXPIRES_AT, "#h", TOKEN_HASH))
                  .expressionAttributeValues(Map.of(":at", n(at.toEpochMilli()))));
    } catch (ConditionalCheckFailedException e) {
      // Already expiring earlier, or unknown: nothing to do.
    }
  }

  @Override
  public Optional<PseudonymKey> pseudonymKey(String connectionId) {
    GetItemResponse response =
        dynamoDb.getItem(
            b ->
                b.tableName(connectionsTable)
                    .key(Map.of(CONNECTION, s(connectionId)))
                    .projectionExpression("#k")
                    .expressionAttributeNames(Map.of("#k", PSEUDONYM_KEY))
                    .consistentRead(true));
    AttributeValue key = response.hasItem() ? response.item().get(PSEUDONYM_KEY) : null;
    return key == null ? Optional.empty() : Optional.of(new PseudonymKey(key.b().asByteArray()));
  }

  @Override
  public boolean addPseudonymKeyIfAbsent(String connectionId, PseudonymKey key) {
    try {
      dynamoDb.updateItem(
          b ->
              b.tableName(connectionsTable)
                  .key(Map.of(CONNECTION, s(connectionId)))
                  .updateExpression("SET #k = :k")
                  // Never replace a key (pseudonyms would change), never create a connection.
                  .conditionExpression("attribute_exists(#c) AND attribute_not_exists(#k)")
                  .expressionAttributeNames(Map.of("#k", PSEUDONYM_KEY, "#c", CONNECTION))
                  .expressionAttributeValues(Map.of(":k", binary(key))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private static AttributeValue binary(PseudonymKey key) {
    return AttributeValue.fromB(SdkBytes.fromByteArray(key.bytes()));
  }

  private Put tokenPut(StoredToken token) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(TOKEN_HASH, s(token.hash().hex()));
    item.put(CONNECTION, s(token.connectionId()));
    item.put(SCOPE, s(token.scope().label()));
    item.put(CREATED_AT, s(token.createdAt().toString()));
    token.expiresAt().ifPresent(at -> item.put(EXPIRES_AT, n(at.toEpochMilli())));
    if (token.scope() == TokenScope.READ) {
      item.put(VIEW, s(token.view().label()));
    }
    token.userEmail().ifPresent(email -> item.put(USER_EMAIL, s(email)));
    token.userName().ifPresent(name -> item.put(USER_NAME, s(name)));
    return Put.builder()
        .tableName(tokensTable)
        .item(item)
        .conditionExpression("attribute_not_exists(" + TOKEN_HASH + ")")
        .build();
  }

  private static StoredToken storedToken(Map<String, AttributeValue> item) {
    AttributeValue expires = item.get(EXPIRES_AT);
    AttributeValue view = item.get(VIEW);
    return new StoredToken(
        new TokenHash(item.get(TOKEN_HASH).s()),
        item.get(CONNECTION).s(),
        TokenScope.parse(item.get(SCOPE).s()),
        Instant.parse(item.get(CREATED_AT).s()),
        expires == null
            ? Optional.empty()
            : Optional.of(Instant.ofEpochMilli(Long.parseLong(expires.n()))),
        view == null ? ReadView.FULL : ReadView.parse(view.s()),
        Optional.ofNullable(item.get(USER_EMAIL)).map(AttributeValue::s),
        Optional.ofNullable(item.get(USER_NAME)).map(AttributeValue::s));
  }

  private static Connection connection(Map<String, AttributeValue> item) {
    return new Connection(
        item.get(CONNECTION).s(), item.get(NAME).s(), Instant.parse(item.get(CREATED_AT).s()));
  }
}
