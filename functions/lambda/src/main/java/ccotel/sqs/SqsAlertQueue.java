package ccotel.sqs;

import ccotel.budget.AlertKey;
import ccotel.budget.AlertQueue;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The alert queue: a message names the alert ({@code {"connectionId", "date", "userKind",
 * "user"}}); its sender reads the rest from the alert record. A delay postpones a webhook retry
 * (SQS delays go up to 15 minutes).
 */
public final class SqsAlertQueue implements AlertQueue {

  private static final long MAX_DELAY_SECONDS = 900;
  private static final JsonFactory JSON = new JsonFactory();

  private final SqsClient sqs;
  private final String queueUrl;

  public SqsAlertQueue(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  @Override
  public void enqueue(AlertKey key, Duration delay) {
    int seconds = (int) Math.min(MAX_DELAY_SECONDS, Math.max(0, delay.toSeconds()));
    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body(key)).delaySeconds(seconds));
  }

  public static String body(AlertKey key) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartObject();
      json.writeStringField("connectionId", key.connectionId());
      json.writeStringField("date", key.userDay().day().toString());
      json.writeStringField("userKind", key.userDay().user().kind().name());
      json.writeStringField("user", key.userDay().user().value());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /**
   * @throws IllegalArgumentException if the body is not an alert message
   */
  public static AlertKey read(String body) {
    Map<String, String> fields = new HashMap<>();
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not an alert message");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        fields.put(name, parser.getValueAsString());
      }
      return new AlertKey(
          require(fields, "connectionId"),
          new UsageKey(
              LocalDate.parse(require(fields, "date")),
              new UserIdentity(
                  UserIdentity.Kind.valueOf(require(fields, "userKind")),
                  require(fields, "user"))));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not an alert message: " + e.getMessage(), e);
    }
  }

  private static String require(Map<String, String> fields, String name) {
    String value = fields.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no " + name);
    }
    return value;
  }
}
