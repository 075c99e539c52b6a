package ccotel.dynamodb;

import static ccotel.dynamodb.ItemLayout.s;

import ccotel.auth.ConnectionRegistryContract;
import ccotel.auth.TokenHash;
import ccotel.auth.TokenScope;
import ccotel.embedded.EmbeddedAws;
import ccotel.lambda.AwsTestStack;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The connection registry contract, on DynamoDB Local. */
class DynamoDbConnectionRegistryIT extends ConnectionRegistryContract {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private AwsTestStack stack;

  @Override
  @SuppressWarnings("unchecked")
  protected DynamoDbConnectionRegistry newRegistry() {
    stack = new AwsTestStack(AWS);
    return new DynamoDbConnectionRegistry(
        AWS.dynamoDb().client(),
        stack.config.tokensTable(),
        stack.config.connectionsTable(),
        clock);
  }

  /** The item as ccotel wrote it before views: no view, userEmail or userName attribute. */
  @Override
  protected void putTokenAsBeforeViews(TokenHash hash, String connectionId, TokenScope scope) {
    AWS.dynamoDb()
        .client()
        .putItem(
            b ->
                b.tableName(stack.config.tokensTable())
                    .item(
                        Map.of(
                            "tokenHash", s(hash.hex()),
                            "connectionId", s(connectionId),
                            "scope", s(scope.label()),
                            "createdAt", s(clock.instant().toString()))));
  }

  @Override
  protected void removePseudonymKey(String connectionId) {
    AWS.dynamoDb()
        .client()
        .updateItem(
            b ->
                b.tableName(stack.config.connectionsTable())
                    .key(Map.of("connectionId", s(connectionId)))
                    .updateExpression("REMOVE pseudonymKey"));
  }
}
