package ccotel.web;

import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code GET /} and {@code GET /assets/…}: the dashboard page, its script and style, and uPlot's
 * from its WebJar, all read from the jar once. Every answer carries the headers that keep the page
 * to its own origin; assets are revalidated by ETag ({@code If-None-Match} answers 304).
 */
public final class Dashboard {

  public static final String PAGE_PATH = "/";
  public static final String ASSETS_PREFIX = "/assets/";

  /**
   * Only this origin's scripts, styles and API; nothing inline, no plugins, no framing, no base or
   * form target elsewhere.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
          + "frame-ancestors 'none'";

  /** Revalidate every time: a 304 costs little and a deploy shows at once. */
  static final String CACHE_CONTROL = "no-cache";

  private static final String OWN = "/ccotel/web/";
  private static final String UPLOT_POM = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
  private static final String UPLOT_DIR = "/META-INF/resources/webjars/uplot/%s/dist/";

  private static final String HTML = "text/html; charset=utf-8";
  private static final String JS = "text/javascript; charset=utf-8";
  private static final String CSS = "text/css; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String SVG = "image/svg+xml";

  private final Map<String, WebAsset> assets;

  private Dashboard(Map<String, WebAsset> assets) {
    this.assets = Map.copyOf(assets);
  }

  /** Reads the page and its assets from the classpath. */
  public static Dashboard fromClasspath() {
    String uplot = String.format(UPLOT_DIR, uplotVersion());
    Map<String, WebAsset> assets = new LinkedHashMap<>();
    assets.put(PAGE_PATH, WebAsset.of(HTML, resource(OWN + "index.html")));
    assets.put(ASSETS_PREFIX + "dashboard.js", WebAsset.of(JS, resource(OWN + "dashboard.js")));
    assets.put(ASSETS_PREFIX + "dashboard.css", WebAsset.of(CSS, resource(OWN + "dashboard.css")));
    assets.put(ASSETS_PREFIX + "favicon.svg", WebAsset.of(SVG, resource(OWN + "favicon.svg")));
    assets.put(ASSETS_PREFIX + "uplot.js", WebAsset.of(JS, resource(uplot + "uPlot.iife.min.js")));
    assets.put(ASSETS_PREFIX + "uplot.css", WebAsset.of(CSS, resource(uplot + "uPlot.min.css")));
    return new Dashboard(assets);
  }

  /** Whether {@code path} is the page's or one of its assets' (known or not). */
  public static boolean serves(String path) {
    return path.equals(PAGE_PATH) || path.startsWith(ASSETS_PREFIX);
  }

  public ApiResponse serve(ApiRequest request) {
    WebAsset asset = assets.get(request.path());
    if (asset == null) {
      return secured(text(404, "no such asset\n"));
    }
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return secured(text(405, "method not allowed; use GET\n")).withHeader("Allow", "GET, HEAD");
    }
    Optional<String> ifNoneMatch = request.header("if-none-match");
    ApiResponse answer =
        ifNoneMatch.isPresent() && matches(ifNoneMatch.get(), asset.etag())
            ? new ApiResponse(304, Map.of(), new byte[0])
            : ApiResponse.of(200, asset.contentType(), asset.bytes());
    return secured(answer)
        .withHeader("ETag", asset.etag())
        .withHeader("Cache-Control", CACHE_CONTROL);
  }

  /** RFC 9110 §13.1.2: a list of tags or {@code *}, compared weakly (a W/ prefix is ignored). */
  static boolean matches(String ifNoneMatch, String etag) {
    for (String tag : ifNoneMatch.split(",")) {
      String candidate = tag.trim();
      if (candidate.equals("*")) {
        return true;
      }
      if (candidate.startsWith("W/")) {
        candidate = candidate.substring(2);
      }
      if (candidate.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private static ApiResponse secured(ApiResponse response) {
    return response
        .withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .withHeader("X-Content-Type-Options", "nosniff")
        .withHeader("Referrer-Policy", "no-referrer")
        .withHeader("X-Frame-Options", "DENY");
  }

  private static ApiResponse text(int status, String text) {
    return ApiResponse.of(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The WebJar's own record of its version, so that upgrading it is a pom change only. */
  private static String uplotVersion() {
    Properties properties = new Properties();
    try (InputStream in = stream(UPLOT_POM)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  private static byte[] resource(String path) {
    try (InputStream in = stream(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream stream(String path) {
    InputStream in = Dashboard.class.getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException(path + " is missing from the jar");
    }
    return in;
  }
}
