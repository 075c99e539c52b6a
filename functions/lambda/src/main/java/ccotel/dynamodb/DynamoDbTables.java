package ccotel.dynamodb;

import ccotel.config.Config;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The tables' key schemas, for the local runner and tests. In AWS the CDK stack creates the same
 * tables; its template tests check the keys against these names.
 */
public final class DynamoDbTables {

  /** The key attributes of each table, and the state table's TTL attribute. */
  public static final String USAGE_PARTITION_KEY = ItemLayout.CONNECTION;

  public static final String USAGE_SORT_KEY = ItemLayout.SORT_KEY;
  public static final String STATE_PARTITION_KEY = ItemLayout.STATE_KEY;
  public static final String STATE_TIME_TO_LIVE = ItemLayout.EXPIRES_AT;
  public static final String TOKENS_PARTITION_KEY = DynamoDbConnectionRegistry.TOKEN_HASH;
  public static final String CONNECTIONS_PARTITION_KEY = DynamoDbConnectionRegistry.CONNECTION;

  private DynamoDbTables() {}

  /** Creates every table the configuration names, skipping those that exist. */
  public static void createIfMissing(DynamoDbClient dynamoDb, Config config) {
    create(dynamoDb, config.usageTable(), ItemLayout.CONNECTION, ItemLayout.SORT_KEY);
    create(dynamoDb, config.stateTable(), ItemLayout.STATE_KEY, null);
    create(dynamoDb, config.tokensTable(), DynamoDbConnectionRegistry.TOKEN_HASH, null);
    create(dynamoDb, config.connectionsTable(), DynamoDbConnectionRegistry.CONNECTION, null);
    // TTL on aggregation state: delivery markers and idle series expire (DynamoDB Local accepts
    // the setting but never deletes; AWS does, within about two days of expiry).
    TimeToLiveStatus ttl =
        dynamoDb
            .describeTimeToLive(b -> b.tableName(config.stateTable()))
            .timeToLiveDescription()
            .timeToLiveStatus();
    if (ttl == TimeToLiveStatus.ENABLED || ttl == TimeToLiveStatus.ENABLING) {
      return;
    }
    dynamoDb.updateTimeToLive(
        b ->
            b.tableName(config.stateTable())
                .timeToLiveSpecification(
                    t -> t.attributeName(ItemLayout.EXPIRES_AT).enabled(true)));
  }

  private static void create(
      DynamoDbClient dynamoDb, String table, String partitionKey, String sortKey) {
    CreateTableRequest.Builder request =
        CreateTableRequest.builder().tableName(table).billingMode(BillingMode.PAY_PER_REQUEST);
    if (sortKey == null) {
      request.keySchema(key(partitionKey, KeyType.HASH)).attributeDefinitions(string(partitionKey));
    } else {
      request
          .keySchema(List.of(key(partitionKey, KeyType.HASH), key(sortKey, KeyType.RANGE)))
          .attributeDefinitions(List.of(string(partitionKey), string(sortKey)));
    }
    try {
      dynamoDb.createTable(request.build());
    } catch (ResourceInUseException e) {
      // exists already: a restart of the local runner
    }
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static AttributeDefinition string(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }
}
