package ccotel.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ccotel.aggregate.UsageStore;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.embedded.EmbeddedAws;
import ccotel.lambda.AwsTestStack;
import ccotel.query.UsageRangeReader;
import ccotel.query.UsageRangeReaderContract;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The parallel day reader on DynamoDB Local: 4 days at once, Query pages of two items so that a day
 * spans several.
 */
class DynamoDbRangeReaderIT extends UsageRangeReaderContract {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final AtomicReference<Consumer<SdkRequest>> FAULT = new AtomicReference<>();
  private static DynamoDbUsageStore store;
  private static DynamoDbRangeReader reader;

  @BeforeAll
  static void createTables() {
    AwsTestStack stack = new AwsTestStack(AWS);
    store =
        new DynamoDbUsageStore(
            AWS.dynamoDb().client(),
            stack.config.usageTable(),
            stack.config.stateTable(),
            Clock.systemUTC(),
            stack.config.deliveryRetention());
    reader =
        new DynamoDbRangeReader(
            FaultyDynamoDb.client(AWS, FAULT), stack.config.usageTable(), 4, 2, false);
  }

  @Override
  protected UsageStore store() {
    return store;
  }

  @Override
  protected UsageRangeReader rangeReader() {
    return reader;
  }

  @Test
  void aFailedQuery_isAnOutage_andNoDayAfterItIsHanded() {
    List<java.time.LocalDate> handed = new ArrayList<>();
    FAULT.set(
        request -> {
          if (request instanceof QueryRequest query
              && query.expressionAttributeValues().containsKey(":from") // not the layout's Query
              && query
                  .expressionAttributeValues()
                  .get(":from")
                  .s()
                  .startsWith(DAY.plusDays(2) + "#")) {
            throw SdkClientException.create("connection reset");
          }
        });
    try {
      assertThrows(
          UsageStoreUnavailableException.class,
          () ->
              reader.readRange("conn_fault", DAY, DAY.plusDays(9), (day, rows) -> handed.add(day)));
    } finally {
      FAULT.set(null);
    }
    assertEquals(List.of(DAY, DAY.plusDays(1)), handed);
  }
}
