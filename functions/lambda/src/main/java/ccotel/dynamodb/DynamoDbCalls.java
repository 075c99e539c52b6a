package ccotel.dynamodb;

import ccotel.aggregate.UsageRefusedException;
import ccotel.aggregate.UsageStoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Batched calls and failures, as every part of the usage store takes them. */
final class DynamoDbCalls {

  private DynamoDbCalls() {}

  /**
   * A failed call as the aggregator must take it: what DynamoDB refuses as such (an item past 400
   * KB, say) is thrown as a refusal, since every retry meets it again; throttling, DynamoDB's
   * faults and the network are returned as unavailability, for the caller to throw and SQS to
   * retry.
   */
  static UsageStoreUnavailableException failure(String what, SdkException e) {
    if (!isServiceFailure(e)) {
      throw new UsageRefusedException("DynamoDB refused " + what + ": " + e.getMessage(), e);
    }
    return new UsageStoreUnavailableException(what + ": " + e.getMessage(), e);
  }

  /**
   * A failed read of usage as the query side must take it: an outage is worth a retry (503); a
   * request DynamoDB refuses as such is a bug of ours, which no retry can cure.
   */
  static UsageStoreUnavailableException readFailure(SdkException e) {
    if (!isServiceFailure(e)) {
      throw new IllegalStateException("DynamoDB refused reading usage: " + e.getMessage(), e);
    }
    return new UsageStoreUnavailableException("reading usage: " + e.getMessage(), e);
  }

  /**
   * Whether a call failed for a reason a later retry can cure: throttling, a DynamoDB fault or the
   * network. DynamoDB's other 4xx answers (a ValidationException, say) fail again on every retry.
   */
  /** Where a paged Query goes on after {@code response}: its last key, or null when done. */
  static Map<String, AttributeValue> nextStart(QueryResponse response) {
    return response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
        ? response.lastEvaluatedKey()
        : null;
  }

  static boolean isServiceFailure(SdkException e) {
    if (!(e instanceof AwsServiceException service)) {
      return true; // no answer from DynamoDB: a timeout or a connection failure
    }
    // A write that met another's transaction on its item: the next try finds it done.
    return service.isThrottlingException()
        || service.statusCode() >= 500
        || e instanceof TransactionConflictException;
  }

  /** Consistent reads of these keys, 100 a call, until DynamoDB has processed them all. */
  static List<Map<String, AttributeValue>> batchGet(
      DynamoDbClient dynamoDb, String table, List<Map<String, AttributeValue>> keys)
      throws UsageStoreUnavailableException {
    List<Map<String, AttributeValue>> found = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += 100) {
      Map<String, KeysAndAttributes> request =
          Map.of(
              table,
              KeysAndAttributes.builder()
                  .keys(keys.subList(from, Math.min(keys.size(), from + 100)))
                  .consistentRead(true)
                  .build());
      for (int round = 0; !request.isEmpty(); round++) {
        backOff(round);
        Map<String, KeysAndAttributes> next = request;
        BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(next));
        found.addAll(response.responses().getOrDefault(table, List.of()));
        request = response.unprocessedKeys();
      }
    }
    return found;
  }

  /** These writes, 25 a call, until DynamoDB has processed them all. */
  static void batchWrite(DynamoDbClient dynamoDb, String table, List<WriteRequest> writes)
      throws UsageStoreUnavailableException {
    for (int from = 0; from < writes.size(); from += 25) {
      Map<String, List<WriteRequest>> request =
          Map.of(table, writes.subList(from, Math.min(writes.size(), from + 25)));
      for (int round = 0; !request.isEmpty(); round++) {
        backOff(round);
        Map<String, List<WriteRequest>> next = request;
        request = dynamoDb.batchWriteItem(b -> b.requestItems(next)).unprocessedItems();
      }
    }
  }

  /** Unprocessed keys or items are what DynamoDB throttled: wait a little longer each round. */
  private static void backOff(int round) throws UsageStoreUnavailableException {
    if (round == 0) {
      return;
    }
    if (round > 8) {
      throw new UsageStoreUnavailableException(
          "DynamoDB left keys unprocessed " + round + " times in a row", null);
    }
    try {
      Thread.sleep(Math.min(1000L, 25L << round));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UsageStoreUnavailableException("interrupted while backing off", e);
    }
  }
}
