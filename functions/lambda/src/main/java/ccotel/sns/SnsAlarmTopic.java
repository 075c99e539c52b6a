package ccotel.sns;

import ccotel.budget.Alert;
import ccotel.budget.AlertSink;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Publishes alerts to the stack's alarm topic through SNS's query API, signed with SigV4 by the
 * SDK's own signer: one small request, without the whole SNS client in the functions' jar.
 */
public final class SnsAlarmTopic implements AlertSink {

  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final String region;
  private final String topicArn;
  private final URI endpoint;

  public SnsAlarmTopic(
      SdkHttpClient http, AwsCredentialsProvider credentials, String region, String topicArn) {
    this(
        http,
        credentials,
        region,
        topicArn,
        URI.create("https://sns." + region + ".amazonaws.com/"));
  }

  /** Publishing to {@code endpoint} (tests: a local server). */
  public SnsAlarmTopic(
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      String region,
      String topicArn,
      URI endpoint) {
    this.http = http;
    this.credentials = credentials;
    this.region = region;
    this.topicArn = topicArn;
    this.endpoint = endpoint;
  }

  @Override
  public void publish(Alert alert) throws IOException {
    String body =
        form(
            Map.of(
                "Action", "Publish",
                "Version", "2010-03-31",
                "TopicArn", topicArn,
                "Subject", "ccotel budget alert",
                "Message", alert.json()));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(endpoint)
            .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
            .build();
    AwsCredentialsIdentity identity = credentials.resolveCredentials();
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(identity)
                        .request(request)
                        .payload(ContentStreamProvider.fromByteArray(bytes))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sns")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    ExecutableHttpRequest call =
        http.prepareRequest(
            HttpExecuteRequest.builder()
                .request(signed.request())
                .contentStreamProvider(signed.payload().orElse(null))
                .build());
    HttpExecuteResponse response = call.call();
    int status = response.httpResponse().statusCode();
    if (response.responseBody().isPresent()) {
      try (InputStream ignored = response.responseBody().get()) {
        // drained by close
      }
    }
    if (status / 100 != 2) {
      throw new IOException("SNS Publish answered HTTP " + status);
    }
  }

  static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
