package ccotel.dynamodb;

import ccotel.aggregate.UsageStore;
import ccotel.aggregate.UsageStoreContract;
import ccotel.embedded.EmbeddedAws;
import ccotel.lambda.AwsTestStack;
import ccotel.query.UsageReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The usage store contract, on DynamoDB Local. */
class DynamoDbUsageStoreIT extends UsageStoreContract {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static DynamoDbUsageStore store;

  @BeforeAll
  static void createTables() {
    AwsTestStack stack = new AwsTestStack(AWS);
    store =
        new DynamoDbUsageStore(
            AWS.dynamoDb().client(),
            stack.config.usageTable(),
            stack.config.stateTable(),
            java.time.Clock.systemUTC(),
            stack.config.deliveryRetention());
  }

  @Override
  protected UsageStore store() {
    return store;
  }

  @Override
  protected UsageReader reader() {
    return store;
  }
}
