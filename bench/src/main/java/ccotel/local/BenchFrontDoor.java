package ccotel.local;

import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenScope;
import ccotel.lambda.Components;
import ccotel.lambda.IngestHandler;
import ccotel.lambda.QueryHandler;
import java.io.IOException;

/**
 * Benchmark only: the local runner's HTTP front door (dashboard, §4 and §5) over the given
 * components, as {@code ./ccotel local} serves it, without a queue behind ingest. (In the bench
 * module, in this package for {@link HttpFrontDoor}.)
 */
public final class BenchFrontDoor implements AutoCloseable {

  private final HttpFrontDoor frontDoor;

  private BenchFrontDoor(HttpFrontDoor frontDoor) {
    this.frontDoor = frontDoor;
  }

  /** Serves on a free port of 127.0.0.1, with a fresh summary (its day cache empty). */
  public static BenchFrontDoor start(Components components) throws IOException {
    TokenAuthorizer tokens = components.authorizer();
    HttpFrontDoor frontDoor =
        new HttpFrontDoor(
            0,
            new HttpFrontDoor.Backend(
                new IngestHandler(components.ingestService()),
                header -> tokens.authorize(header, TokenScope.INGEST).granted()),
            new HttpFrontDoor.Backend(
                new QueryHandler(
                    components.queryService(),
                    components.summaryService(),
                    components.statusService()),
                header -> tokens.authorize(header, TokenScope.READ).granted()),
            () -> true);
    frontDoor.start();
    return new BenchFrontDoor(frontDoor);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + frontDoor.port();
  }

  @Override
  public void close() {
    frontDoor.close();
  }
}
