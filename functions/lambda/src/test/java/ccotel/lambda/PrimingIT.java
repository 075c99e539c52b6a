package ccotel.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.embedded.EmbeddedAws;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SnapStart priming hooks against DynamoDB Local and ElasticMQ: they read, never write, and a
 * function whose dependencies are down still starts.
 */
class PrimingIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  /** The SDK calls made, by operation name. */
  private final Map<String, Integer> calls = new TreeMap<>();

  @Test
  void priming_onlyReads_andTheHandlersServeAfterwards() throws Exception {
    AwsTestStack stack = new AwsTestStack(AWS);
    SampleConnection.register(stack);
    Components counted =
        new Components(
            stack.config,
            counting(DynamoDbClient.builder(), AWS.dynamoDb().endpoint()).build(),
            counting(SqsClient.builder(), AWS.sqs().endpoint()).build(),
            Clock.systemUTC());
    IngestHandler ingest = new IngestHandler(counted);
    QueryHandler query = new QueryHandler(counted);

    ingest.prime();
    query.prime();

    // One token lookup each (a token nobody holds) and one read of the queue; nothing written.
    assertEquals(Map.of("GetItem", 2, "GetQueueAttributes", 1), calls);
    assertEquals(
        List.of(),
        AWS.sqs()
            .client()
            .receiveMessage(b -> b.queueUrl(stack.config.ingestQueueUrl()))
            .messages());
    for (String table : List.of(stack.config.usageTable(), stack.config.stateTable())) {
      assertEquals(0, AWS.dynamoDb().client().scan(b -> b.tableName(table)).count(), table);
    }

    APIGatewayV2HTTPResponse accepted =
        ingest.handleRequest(
            EventLoader.loadApiGatewayHttpEvent("events/ingest/metrics-protobuf.json"), null);
    assertEquals(200, accepted.getStatusCode(), accepted.getBody());
    assertEquals(
        1,
        AWS.sqs()
            .client()
            .receiveMessage(b -> b.queueUrl(stack.config.ingestQueueUrl()))
            .messages()
            .size());
  }

  @Test
  void priming_withDynamoDbAndSqsDown_doesNotFailTheFunction() {
    AwsTestStack stack = new AwsTestStack(AWS);
    URI nowhere = URI.create("http://127.0.0.1:9");
    Components down =
        new Components(
            stack.config,
            counting(DynamoDbClient.builder(), nowhere).build(),
            counting(SqsClient.builder(), nowhere).build(),
            Clock.systemUTC());

    new IngestHandler(down).prime();
    new QueryHandler(down).prime();

    assertEquals(Map.of("GetItem", 2, "GetQueueAttributes", 1), calls, "it tried, and went on");
  }

  private <
          B extends
              software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>
                  & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, ?>>
      B counting(B builder, URI endpoint) {
    ExecutionInterceptor counter =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            String operation = request.getClass().getSimpleName().replaceFirst("Request$", "");
            synchronized (calls) {
              calls.merge(operation, 1, Integer::sum);
            }
          }
        };
    return builder
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(counter));
  }
}
