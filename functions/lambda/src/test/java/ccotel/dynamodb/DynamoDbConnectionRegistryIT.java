package ccotel.dynamodb;

import ccotel.auth.ConnectionRegistryContract;
import ccotel.embedded.EmbeddedAws;
import ccotel.lambda.AwsTestStack;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The connection registry contract, on DynamoDB Local. */
class DynamoDbConnectionRegistryIT extends ConnectionRegistryContract {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  @Override
  @SuppressWarnings("unchecked")
  protected DynamoDbConnectionRegistry newRegistry() {
    AwsTestStack stack = new AwsTestStack(AWS);
    return new DynamoDbConnectionRegistry(
        AWS.dynamoDb().client(),
        stack.config.tokensTable(),
        stack.config.connectionsTable(),
        clock);
  }
}
