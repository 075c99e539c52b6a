package ccotel.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.embedded.EmbeddedAws;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The query function serves the dashboard from its jar on the sample page and asset events of
 * events/: text bodies as text (API Gateway passes them through), the page's security headers, and
 * 304 for a cached asset.
 */
class DashboardHandlerIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private QueryHandler query;

  @BeforeEach
  void setUp() {
    AwsTestStack stack = new AwsTestStack(AWS);
    query =
        new QueryHandler(
            stack.components.queryService(),
            stack.components.summaryService(),
            stack.components.statusService());
  }

  @Test
  void pageEvent_isTheHtmlPage_asText_withItsSecurityHeaders() throws IOException {
    APIGatewayV2HTTPResponse answer =
        query.handleRequest(
            EventLoader.loadApiGatewayHttpEvent("events/query/dashboard-page.json"), null);

    assertEquals(200, answer.getStatusCode());
    assertFalse(answer.getIsBase64Encoded());
    assertEquals("text/html; charset=utf-8", answer.getHeaders().get("Content-Type"));
    assertArrayEquals(resource("/ccotel/web/index.html"), ApiGatewayResponses.body(answer));
    assertTrue(
        answer.getHeaders().get("Content-Security-Policy").startsWith("default-src 'self';"),
        answer.getHeaders().toString());
    assertEquals("nosniff", answer.getHeaders().get("X-Content-Type-Options"));
    assertEquals("no-referrer", answer.getHeaders().get("Referrer-Policy"));
  }

  @Test
  void assetEvent_isUplotFromItsWebJar_andRevalidatesWith304() throws IOException {
    APIGatewayV2HTTPEvent event =
        EventLoader.loadApiGatewayHttpEvent("events/query/dashboard-asset.json");

    APIGatewayV2HTTPResponse answer = query.handleRequest(event, null);

    assertEquals(200, answer.getStatusCode());
    assertFalse(answer.getIsBase64Encoded());
    assertEquals("text/javascript; charset=utf-8", answer.getHeaders().get("Content-Type"));
    assertArrayEquals(
        resource("/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js"),
        ApiGatewayResponses.body(answer));
    String etag = answer.getHeaders().get("ETag");

    Map<String, String> headers = new HashMap<>(event.getHeaders());
    headers.put("if-none-match", etag);
    event.setHeaders(headers);
    APIGatewayV2HTTPResponse cached = query.handleRequest(event, null);

    assertEquals(304, cached.getStatusCode());
    assertEquals(0, ApiGatewayResponses.body(cached).length);
    assertEquals(etag, cached.getHeaders().get("ETag"));
  }

  @Test
  void nonTextAsset_isBase64Encoded_asApiGatewayDecodesIt() throws IOException {
    APIGatewayV2HTTPEvent event =
        EventLoader.loadApiGatewayHttpEvent("events/query/dashboard-asset.json");
    event.setRawPath("/assets/favicon.svg");

    APIGatewayV2HTTPResponse answer = query.handleRequest(event, null);

    assertEquals(200, answer.getStatusCode());
    assertEquals("image/svg+xml", answer.getHeaders().get("Content-Type"));
    assertTrue(answer.getIsBase64Encoded());
    assertArrayEquals(
        resource("/ccotel/web/favicon.svg"),
        java.util.Base64.getDecoder().decode(answer.getBody()));
  }

  @Test
  void unknownAsset_is404() {
    APIGatewayV2HTTPEvent event =
        EventLoader.loadApiGatewayHttpEvent("events/query/dashboard-asset.json");
    event.setRawPath("/assets/missing.js");

    assertEquals(404, query.handleRequest(event, null).getStatusCode());
  }

  private static byte[] resource(String path) throws IOException {
    try (InputStream in = DashboardHandlerIT.class.getResourceAsStream(path)) {
      return in.readAllBytes();
    }
  }
}
