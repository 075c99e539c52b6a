package ccotel.bench;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The benchmarks' meters: clients whose calls they see, asking what each request consumed. */
final class CapacityRequests {

  private CapacityRequests() {}

  /** A client of DynamoDB Local at {@code endpoint} whose calls {@code meter} sees. */
  static DynamoDbClient meteredClient(URI endpoint, ExecutionInterceptor meter) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(meter))
        .build();
  }

  /** {@code request} asking for its consumed capacity, if it is a read or write that can. */
  static SdkRequest total(SdkRequest request) {
    ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
    if (request instanceof TransactWriteItemsRequest transact) {
      return transact.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof UpdateItemRequest update) {
      return update.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof PutItemRequest put) {
      return put.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof BatchWriteItemRequest batch) {
      return batch.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof GetItemRequest get) {
      return get.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof BatchGetItemRequest batch) {
      return batch.toBuilder().returnConsumedCapacity(total).build();
    } else if (request instanceof QueryRequest query) {
      return query.toBuilder().returnConsumedCapacity(total).build();
    }
    return request;
  }
}
