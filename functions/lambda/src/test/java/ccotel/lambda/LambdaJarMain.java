package ccotel.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Runs in a JVM whose classpath is the shaded Lambda jar (and this class): the ingest handler on
 * one export, then the aggregator on what it queued, both built as the Lambda runtime builds them.
 * Arguments: content type, base64 body.
 */
public final class LambdaJarMain {

  private LambdaJarMain() {}

  public static void main(String[] args) {
    APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
    event.setRawPath("/api/otel/v1/metrics");
    event.setHeaders(
        Map.of(
            "authorization", "Bearer " + SampleConnection.INGEST_TOKEN, "content-type", args[0]));
    event.setBody(args[1]);
    event.setIsBase64Encoded(true);
    APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
    APIGatewayV2HTTPEvent.RequestContext.Http http =
        new APIGatewayV2HTTPEvent.RequestContext.Http();
    http.setMethod("POST");
    http.setPath("/api/otel/v1/metrics");
    context.setHttp(http);
    event.setRequestContext(context);
    System.out.println("ingest " + new IngestHandler().handleRequest(event, null).getStatusCode());

    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    try (SqsClient sqs = SqsClient.create()) {
      for (Message message :
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(System.getenv("INGEST_QUEUE_URL"))
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(5)
                          .messageAttributeNames("All"))
              .messages()) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(message.messageId());
        record.setBody(message.body());
        Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
        message
            .messageAttributes()
            .forEach(
                (name, value) -> {
                  SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
                  attribute.setDataType(value.dataType());
                  attribute.setStringValue(value.stringValue());
                  attributes.put(name, attribute);
                });
        record.setMessageAttributes(attributes);
        records.add(record);
      }
    }
    SQSEvent batch = new SQSEvent();
    batch.setRecords(records);
    System.out.println(
        "aggregate "
            + records.size()
            + " failed "
            + new AggregatorHandler().handleRequest(batch, null).getBatchItemFailures().size());

    // The dashboard, read from the jar's resources (uPlot's from its WebJar, trimmed by shading).
    QueryHandler query = new QueryHandler();
    for (String path : List.of("/", "/assets/dashboard.js", "/assets/uplot.js")) {
      APIGatewayV2HTTPEvent get = new APIGatewayV2HTTPEvent();
      get.setRawPath(path);
      APIGatewayV2HTTPEvent.RequestContext getContext = new APIGatewayV2HTTPEvent.RequestContext();
      APIGatewayV2HTTPEvent.RequestContext.Http getHttp =
          new APIGatewayV2HTTPEvent.RequestContext.Http();
      getHttp.setMethod("GET");
      getHttp.setPath(path);
      getContext.setHttp(getHttp);
      get.setRequestContext(getContext);
      APIGatewayV2HTTPResponse answer = query.handleRequest(get, null);
      System.out.println(
          "GET "
              + path
              + " "
              + answer.getStatusCode()
              + " "
              + ApiGatewayResponses.body(answer).length);
    }
  }
}
