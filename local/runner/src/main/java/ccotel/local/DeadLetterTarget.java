package ccotel.local;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * Where {@code ccotel dlq} acts: the running local stack of a data directory, or a deployed stack's
 * queues — found by its CloudFormation outputs ({@code --stack}) or named outright ({@code
 * --queue-url}, {@code --dead-letter-queue-url}) — through the standard AWS credential chain.
 */
record DeadLetterTarget(SqsClient sqs, String queueUrl, String deadLetterUrl, boolean deployed)
    implements AutoCloseable {

  static final String QUEUE_URL = "queue-url";
  static final String DEAD_LETTER_QUEUE_URL = "dead-letter-queue-url";

  static DeadLetterTarget resolve(Arguments arguments, Path dataDir) throws IOException {
    Optional<String> stack = arguments.option(AdminTarget.STACK);
    Optional<String> queueUrl = arguments.option(QUEUE_URL);
    Optional<String> region = arguments.option(AdminTarget.REGION);
    Optional<String> endpointUrl = arguments.option(AdminTarget.ENDPOINT_URL);
    if (stack.isPresent()) {
      Map<String, String> outputs = AdminTarget.stackOutputs(stack.get(), region);
      return deployed(
          AdminTarget.required(outputs, "IngestQueueUrl", stack.get()),
          AdminTarget.required(outputs, "DeadLetterQueueUrl", stack.get()),
          region,
          endpointUrl);
    }
    if (queueUrl.isPresent()) {
      return deployed(
          queueUrl.get(), arguments.required(DEAD_LETTER_QUEUE_URL), region, endpointUrl);
    }
    SqsClient sqs = LocalAwsClients.sqs(RuntimeFile.running(dataDir).sqsEndpoint());
    return new DeadLetterTarget(
        sqs,
        sqs.getQueueUrl(b -> b.queueName(LocalStack.INGEST_QUEUE)).queueUrl(),
        sqs.getQueueUrl(b -> b.queueName(LocalStack.DEAD_LETTER_QUEUE)).queueUrl(),
        false);
  }

  private static DeadLetterTarget deployed(
      String queueUrl,
      String deadLetterUrl,
      Optional<String> region,
      Optional<String> endpointUrl) {
    SqsClientBuilder builder = SqsClient.builder().httpClient(UrlConnectionHttpClient.create());
    region.map(Region::of).ifPresent(builder::region);
    endpointUrl.map(URI::create).ifPresent(builder::endpointOverride);
    return new DeadLetterTarget(builder.build(), queueUrl, deadLetterUrl, true);
  }

  DeadLetters deadLetters() {
    return new DeadLetters(sqs, deadLetterUrl, queueUrl);
  }

  @Override
  public void close() {
    sqs.close();
  }
}
