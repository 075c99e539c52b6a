package ccotel.testing;

import ccotel.otlp.OtlpSignal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The OTLP requests captured from the real Claude Code CLI in the repository's {@code
 * fixtures/claude-code}, each scenario with the query answer it must produce. The build passes the
 * directory as the system property {@code ccotel.fixtures}.
 */
public final class Fixtures {

  private Fixtures() {}

  /** One captured request: its body exactly as sent and its HTTP method, path and headers. */
  public record CapturedRequest(
      String scenario,
      String name,
      String method,
      String path,
      Map<String, String> headers,
      byte[] body) {

    public OtlpSignal signal() {
      return path.endsWith("/v1/metrics") ? OtlpSignal.METRICS : OtlpSignal.LOGS;
    }

    public boolean gzipped() {
      return "gzip".equalsIgnoreCase(headers.getOrDefault("content-encoding", ""));
    }

    public String contentType() {
      return headers.get("content-type");
    }

    /** The same headers with our token in place of the capture's. */
    public Map<String, String> headersWithToken(String token) {
      Map<String, String> replaced = new TreeMap<>(headers);
      replaced.put("authorization", "Bearer " + token);
      return replaced;
    }

    @Override
    public String toString() {
      return scenario + "/" + name;
    }
  }

  public static Path root() {
    String configured = System.getProperty("ccotel.fixtures");
    if (configured == null) {
      throw new IllegalStateException("system property ccotel.fixtures is not set (see the pom)");
    }
    Path root = Paths.get(configured).toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("no fixtures at " + root);
    }
    return root;
  }

  public static List<String> scenarios() {
    try (Stream<Path> entries = Files.list(root())) {
      return entries
          .filter(p -> Files.isRegularFile(p.resolve("expected.json")))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A scenario's requests in arrival order. */
  public static List<CapturedRequest> requests(String scenario) {
    Path dir = root().resolve(scenario).resolve("requests");
    List<CapturedRequest> requests = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path meta : entries.filter(p -> p.toString().endsWith(".http.json")).sorted().toList()) {
        String name = meta.getFileName().toString().replace(".http.json", "");
        Path body;
        try (Stream<Path> bodies = Files.list(dir)) {
          body =
              bodies
                  .filter(p -> p.getFileName().toString().startsWith(name + "."))
                  .filter(p -> !p.toString().endsWith(".http.json"))
                  .findFirst()
                  .orElseThrow(() -> new IllegalStateException("no body for " + meta));
        }
        Map<String, Object> http = Json.readMap(Files.readAllBytes(meta));
        @SuppressWarnings("unchecked")
        Map<String, String> headers = (Map<String, String>) http.get("headers");
        Map<String, String> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        requests.add(
            new CapturedRequest(
                scenario,
                name,
                (String) http.get("method"),
                (String) http.get("path"),
                lower,
                Files.readAllBytes(body)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return requests;
  }

  public static byte[] expected(String scenario) {
    return read(root().resolve(scenario).resolve("expected.json"));
  }

  /** {@code decoded/NNNN-signal.json}: a protobuf request rendered as OTLP JSON. */
  public static byte[] decoded(String scenario, String name) {
    return read(root().resolve(scenario).resolve("decoded").resolve(name + ".json"));
  }

  private static byte[] read(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
