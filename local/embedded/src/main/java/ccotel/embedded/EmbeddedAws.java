package ccotel.embedded;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: DynamoDB Local and ElasticMQ for one test class, on free loopback ports, so
 * tests run from the IDE as from Maven and never collide.
 *
 * <pre>{@code @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();}</pre>
 */
public final class EmbeddedAws implements BeforeAllCallback, AfterAllCallback {

  private EmbeddedDynamoDb dynamoDb;
  private EmbeddedSqs sqs;

  private EmbeddedAws() {}

  public static EmbeddedAws inMemory() {
    return new EmbeddedAws();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    dynamoDb = EmbeddedDynamoDb.startInMemory();
    sqs = EmbeddedSqs.startInMemory();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try (EmbeddedDynamoDb d = dynamoDb;
        EmbeddedSqs s = sqs) {
      dynamoDb = null;
      sqs = null;
    }
  }

  public EmbeddedDynamoDb dynamoDb() {
    if (dynamoDb == null) {
      throw new IllegalStateException("EmbeddedAws is used outside its test class's lifetime");
    }
    return dynamoDb;
  }

  public EmbeddedSqs sqs() {
    if (sqs == null) {
      throw new IllegalStateException("EmbeddedAws is used outside its test class's lifetime");
    }
    return sqs;
  }
}
