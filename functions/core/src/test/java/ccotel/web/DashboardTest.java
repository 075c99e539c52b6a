package ccotel.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardTest {

  private final Dashboard dashboard = Dashboard.fromClasspath();

  @Test
  void page_isHtmlWithTheHeadersThatKeepItToItsOrigin() {
    ApiResponse page = dashboard.serve(get("/", Map.of()));

    assertEquals(200, page.status());
    assertEquals("text/html; charset=utf-8", page.headers().get("Content-Type"));
    assertEquals(
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'",
        page.headers().get("Content-Security-Policy"));
    assertEquals("nosniff", page.headers().get("X-Content-Type-Options"));
    assertEquals("no-referrer", page.headers().get("Referrer-Policy"));
    assertEquals("DENY", page.headers().get("X-Frame-Options"));
    assertEquals("no-cache", page.headers().get("Cache-Control"));
    assertTrue(page.bodyText().contains("<script src=\"assets/dashboard.js\" defer></script>"));
  }

  @Test
  void page_hasNoInlineScriptOrStyleAndNamesNoOtherOrigin() {
    String html = dashboard.serve(get("/", Map.of())).bodyText();

    assertEquals(2, count(html, "<script")); // uPlot and the dashboard, each with src
    assertEquals(2, count(html, "<script src=\"assets/"));
    assertFalse(html.contains("<style"));
    assertFalse(html.contains(" style="));
    assertFalse(html.matches("(?s).*\\son[a-z]+=.*"), "no onclick= and the like");
    assertFalse(html.contains("//"), "no absolute or protocol-relative URL");
  }

  @Test
  void uplot_isServedFromItsWebJar() throws IOException {
    ApiResponse js = dashboard.serve(get("/assets/uplot.js", Map.of()));
    ApiResponse css = dashboard.serve(get("/assets/uplot.css", Map.of()));

    assertEquals(200, js.status());
    assertEquals("text/javascript; charset=utf-8", js.headers().get("Content-Type"));
    assertArrayEquals(webJar("dist/uPlot.iife.min.js"), js.body());
    assertEquals("text/css; charset=utf-8", css.headers().get("Content-Type"));
    assertArrayEquals(webJar("dist/uPlot.min.css"), css.body());
  }

  @Test
  void matchingIfNoneMatch_answers304WithoutBody() {
    ApiResponse first = dashboard.serve(get("/assets/dashboard.js", Map.of()));
    String etag = first.headers().get("ETag");

    ApiResponse again =
        dashboard.serve(get("/assets/dashboard.js", Map.of("If-None-Match", "\"x\", W/" + etag)));

    assertTrue(etag.matches("\"[A-Za-z0-9_-]{22}\""), etag);
    assertEquals(304, again.status());
    assertEquals(0, again.body().length);
    assertEquals(etag, again.headers().get("ETag"));
    assertEquals("no-cache", again.headers().get("Cache-Control"));
    assertEquals(
        200,
        dashboard
            .serve(get("/assets/dashboard.js", Map.of("If-None-Match", "\"other\"")))
            .status());
  }

  @Test
  void eachAsset_hasItsOwnEtag() {
    assertFalse(
        dashboard
            .serve(get("/assets/dashboard.js", Map.of()))
            .headers()
            .get("ETag")
            .equals(dashboard.serve(get("/assets/dashboard.css", Map.of())).headers().get("ETag")));
  }

  @Test
  void unknownAsset_is404_andOtherMethods405() {
    ApiResponse missing = dashboard.serve(get("/assets/../ccotel/web/index.html", Map.of()));
    ApiResponse post =
        dashboard.serve(new ApiRequest("POST", "/", Map.of(), Map.of(), new byte[0]));

    assertEquals(404, missing.status());
    assertEquals("nosniff", missing.headers().get("X-Content-Type-Options"));
    assertEquals(405, post.status());
    assertEquals("GET, HEAD", post.headers().get("Allow"));
  }

  @Test
  void serves_thePageAndAssetPathsOnly() {
    assertTrue(Dashboard.serves("/"));
    assertTrue(Dashboard.serves("/assets/dashboard.js"));
    assertTrue(Dashboard.serves("/assets/favicon.svg"));
    assertFalse(Dashboard.serves("/api/usage/claude_code"));
    assertFalse(Dashboard.serves("/index.html"));
  }

  private static ApiRequest get(String path, Map<String, String> headers) {
    return new ApiRequest("GET", path, headers, Map.of(), new byte[0]);
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  private static byte[] webJar(String file) throws IOException {
    String path = "/META-INF/resources/webjars/uplot/1.6.30/" + file;
    try (InputStream in = DashboardTest.class.getResourceAsStream(path)) {
      return in.readAllBytes();
    }
  }
}
