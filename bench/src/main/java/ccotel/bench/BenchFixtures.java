package ccotel.bench;

import ccotel.testing.Fixtures;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The captured Claude Code requests the benchmarks replay, found as the tests find them. */
final class BenchFixtures {

  private BenchFixtures() {}

  /** Points {@link Fixtures} at the repository's fixtures/claude-code unless told otherwise. */
  static void locate() {
    if (System.getProperty("ccotel.fixtures") == null) {
      Path root = Paths.get(System.getProperty("ccotel.root", ".")).toAbsolutePath();
      System.setProperty(
          "ccotel.fixtures", root.resolve("fixtures").resolve("claude-code").toString());
    }
  }

  static Fixtures.CapturedRequest request(String scenario, String name) {
    locate();
    return Fixtures.requests(scenario).stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no fixture " + scenario + "/" + name));
  }
}
