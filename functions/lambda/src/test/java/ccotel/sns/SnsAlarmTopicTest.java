package ccotel.sns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.budget.Alert;
import ccotel.budget.AlertKey;
import ccotel.usage.UsageKey;
import ccotel.usage.UserIdentity;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/** The SNS Publish request, as a local server standing in for SNS receives it. */
class SnsAlarmTopicTest {

  private static final Alert ALERT =
      Alert.raised(
          new AlertKey(
              "conn_a",
              new UsageKey(LocalDate.of(2026, 11, 24), UserIdentity.email("dev@example.com"))),
          1_500_000_000L,
          1_000_000_000L,
          Instant.parse("2026-11-24T10:00:00Z"));

  @Test
  void publish_isASigV4SignedQueryApiPublishOfTheAlertJson() throws Exception {
    AtomicReference<String> body = new AtomicReference<>();
    AtomicReference<String> authorization = new AtomicReference<>();
    AtomicInteger status = new AtomicInteger(200);
    HttpServer sns = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sns.createContext(
        "/",
        exchange -> {
          body.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          exchange.sendResponseHeaders(status.get(), -1);
          exchange.close();
        });
    sns.start();
    try {
      SnsAlarmTopic topic =
          new SnsAlarmTopic(
              UrlConnectionHttpClient.create(),
              StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")),
              "eu-west-1",
              "arn:aws:sns:eu-west-1:123456789012:alarms",
              URI.create("http://127.0.0.1:" + sns.getAddress().getPort() + "/"));
      topic.publish(ALERT);

      Map<String, String> form = new HashMap<>();
      for (String pair : body.get().split("&")) {
        String[] kv = pair.split("=", 2);
        form.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
      }
      assertEquals("Publish", form.get("Action"));
      assertEquals("arn:aws:sns:eu-west-1:123456789012:alarms", form.get("TopicArn"));
      assertEquals(ALERT.json(), form.get("Message"));
      assertTrue(
          authorization.get().startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/"),
          authorization.get());
      assertTrue(authorization.get().contains("/eu-west-1/sns/aws4_request"), authorization.get());

      status.set(403);
      assertThrows(IOException.class, () -> topic.publish(ALERT));
    } finally {
      sns.stop(0);
    }
  }
}
