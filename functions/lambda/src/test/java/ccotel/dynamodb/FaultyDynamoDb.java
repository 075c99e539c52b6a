package ccotel.dynamodb;

import ccotel.embedded.EmbeddedAws;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A real SDK client of DynamoDB Local that first hands each request to a fault: it may throw (the
 * call fails) or block (another writer runs in between); null lets every call through.
 */
final class FaultyDynamoDb {

  private FaultyDynamoDb() {}

  static DynamoDbClient client(EmbeddedAws aws, AtomicReference<Consumer<SdkRequest>> fault) {
    ExecutionInterceptor injector =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            Consumer<SdkRequest> current = fault.get();
            if (current != null) {
              current.accept(context.request());
            }
          }
        };
    return DynamoDbClient.builder()
        .endpointOverride(aws.dynamoDb().endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(injector))
        .build();
  }
}
