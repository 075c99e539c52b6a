package ccotel.lambda;

import ccotel.config.Config;
import ccotel.dynamodb.DynamoDbTables;
import ccotel.embedded.EmbeddedAws;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Fresh tables and queues with unique names on the embedded DynamoDB Local and ElasticMQ, and the
 * functions' composition root wired to them exactly as in AWS.
 */
public final class AwsTestStack {

  public final EmbeddedAws aws;
  public final Config config;
  public final Components components;
  public final String deadLetterQueueUrl;

  /** Budget alerts' queue (no dead-letter queue: tests read it directly). */
  public final String alertQueueUrl;

  public AwsTestStack(EmbeddedAws aws) {
    this(aws, Clock.systemUTC());
  }

  public AwsTestStack(EmbeddedAws aws, Clock clock) {
    this.aws = aws;
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    deadLetterQueueUrl =
        aws.sqs().client().createQueue(b -> b.queueName("ccotel-dlq-" + suffix)).queueUrl();
    String deadLetterArn =
        aws.sqs()
            .client()
            .getQueueAttributes(
                b -> b.queueUrl(deadLetterQueueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    Map<QueueAttributeName, String> attributes = new HashMap<>();
    attributes.put(
        QueueAttributeName.REDRIVE_POLICY,
        "{\"maxReceiveCount\":\"2\",\"deadLetterTargetArn\":\"" + deadLetterArn + "\"}");
    attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, "1");
    String queueUrl =
        aws.sqs()
            .client()
            .createQueue(b -> b.queueName("ccotel-ingest-" + suffix).attributes(attributes))
            .queueUrl();
    alertQueueUrl =
        aws.sqs().client().createQueue(b -> b.queueName("ccotel-alerts-" + suffix)).queueUrl();
    Map<String, String> env = new HashMap<>();
    env.put(Config.ALERT_QUEUE_URL, alertQueueUrl);
    env.put(Config.USAGE_TABLE, "usage-" + suffix);
    env.put(Config.TOKENS_TABLE, "tokens-" + suffix);
    env.put(Config.CONNECTIONS_TABLE, "connections-" + suffix);
    env.put(Config.STATE_TABLE, "state-" + suffix);
    env.put(Config.INGEST_QUEUE_URL, queueUrl);
    env.put(Config.AUTH_CACHE_SECONDS, "0");
    config = Config.fromEnv(env);
    DynamoDbTables.createIfMissing(aws.dynamoDb().client(), config);
    components = new Components(config, aws.dynamoDb().client(), aws.sqs().client(), clock);
  }
}
