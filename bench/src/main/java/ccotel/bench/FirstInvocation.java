package ccotel.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs in a fresh JVM on the Lambda jar, as the Lambda runtime would: constructs one handler with
 * its no-argument constructor (composition from the environment), handles one event, and prints
 * milliseconds since JVM start at construction and after the first event. With {@code primed}, it
 * first runs the handler's SnapStart priming, and also prints how long the first event took after
 * it: what the first request after a restore from a primed snapshot would wait. Uses nothing
 * outside the JDK and the Lambda jar.
 */
public final class FirstInvocation {

  private FirstInvocation() {}

  public static void main(String[] args) throws Exception {
    String handler = args[0];
    Path input = Path.of(args[1]);
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    Object event = event(handler, input);
    boolean primed = args.length > 2 && args[2].equals("primed");
    long ready;
    long primedAt;
    Object first;
    Object second;
    switch (handler) {
      case "ingest" -> {
        var h = new ccotel.lambda.IngestHandler();
        ready = System.currentTimeMillis();
        if (primed) {
          h.prime();
        }
        primedAt = System.currentTimeMillis();
        first = h.handleRequest((APIGatewayV2HTTPEvent) event, new QuietContext());
        second = h.handleRequest((APIGatewayV2HTTPEvent) event, new QuietContext());
      }
      case "query" -> {
        var h = new ccotel.lambda.QueryHandler();
        ready = System.currentTimeMillis();
        if (primed) {
          h.prime();
        }
        primedAt = System.currentTimeMillis();
        first = h.handleRequest((APIGatewayV2HTTPEvent) event, new QuietContext());
        second = h.handleRequest((APIGatewayV2HTTPEvent) event, new QuietContext());
      }
      case "aggregator" -> {
        var h = new ccotel.lambda.AggregatorHandler();
        ready = System.currentTimeMillis();
        primedAt = ready; // no SnapStart on the aggregator, so no priming
        first = h.handleRequest((SQSEvent) event, new QuietContext());
        second = h.handleRequest((SQSEvent) event, new QuietContext());
      }
      default -> throw new IllegalArgumentException(handler);
    }
    long firstDone = System.currentTimeMillis();
    System.out.println(
        "init "
            + (ready - jvmStart)
            + " first "
            + (firstDone - jvmStart)
            + " afterPriming "
            + (firstDone - primedAt)
            + " status "
            + status(first)
            + " "
            + status(second));
  }

  private static String status(Object response) {
    if (response
        instanceof com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse r) {
      return Integer.toString(r.getStatusCode());
    }
    var failures =
        ((com.amazonaws.services.lambda.runtime.events.SQSBatchResponse) response)
            .getBatchItemFailures();
    return failures.isEmpty() ? "ok" : "failed";
  }

  /**
   * The input file: ingest — token, then the base64 body; query — the read token; aggregator —
   * body, then connection, signal, delivery, receivedAt. One per line.
   */
  private static Object event(String handler, Path input) throws Exception {
    List<String> lines = Files.readAllLines(input, StandardCharsets.UTF_8);
    if (handler.equals("aggregator")) {
      SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
      message.setMessageId("cold-start");
      message.setBody(lines.get(0));
      Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
      String[] names = {
        "ccotel.connection", "ccotel.signal", "ccotel.delivery", "ccotel.receivedAt"
      };
      for (int i = 0; i < names.length; i++) {
        SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
        attribute.setDataType("String");
        attribute.setStringValue(lines.get(i + 1));
        attributes.put(names[i], attribute);
      }
      message.setMessageAttributes(attributes);
      SQSEvent event = new SQSEvent();
      event.setRecords(List.of(message));
      return event;
    }
    boolean ingest = handler.equals("ingest");
    Map<String, String> headers = new HashMap<>();
    headers.put("authorization", "Bearer " + lines.get(0));
    headers.put("content-type", "application/x-protobuf");
    APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
    event.setRawPath(ingest ? "/api/otel/v1/metrics" : "/api/usage/claude_code");
    event.setHeaders(headers);
    if (ingest) {
      event.setBody(lines.get(1));
      event.setIsBase64Encoded(true);
    } else {
      event.setQueryStringParameters(Map.of("starting_at", "2026-11-24"));
    }
    APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
    APIGatewayV2HTTPEvent.RequestContext.Http http =
        new APIGatewayV2HTTPEvent.RequestContext.Http();
    http.setMethod(ingest ? "POST" : "GET");
    context.setHttp(http);
    event.setRequestContext(context);
    return event;
  }
}
