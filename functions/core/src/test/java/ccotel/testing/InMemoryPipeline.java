package ccotel.testing;

import ccotel.activity.LastExportReader;
import ccotel.aggregate.AggregationService;
import ccotel.aggregate.InMemoryUsageStore;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.CachingConnectionLookup;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.InMemoryConnectionRegistry;
import ccotel.auth.TokenAuthorizer;
import ccotel.ingest.InMemoryIngestQueue;
import ccotel.ingest.IngestService;
import ccotel.ingest.QueuedExport;
import ccotel.query.UsageQueryService;
import ccotel.summary.SummaryService;
import ccotel.teams.InMemoryRosterStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Ingest → queue → aggregator → store → query, all core, all in memory. */
public final class InMemoryPipeline {

  public static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-30T15:00:00Z"), ZoneOffset.UTC);
  public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  public final InMemoryConnectionRegistry registry = new InMemoryConnectionRegistry(CLOCK);
  public final ConnectionAdmin admin = new ConnectionAdmin(registry, CLOCK);
  public final InMemoryIngestQueue queue = new InMemoryIngestQueue();
  public final InMemoryUsageStore store;
  public final IngestService ingest;
  public final AggregationService aggregation;
  public final UsageQueryService query;

  /** Each connection's roster, read by both query endpoints. */
  public final InMemoryRosterStore rosters = new InMemoryRosterStore();

  public final SummaryService summary;

  public InMemoryPipeline() {
    this(new InMemoryUsageStore());
  }

  public InMemoryPipeline(InMemoryUsageStore store) {
    this.store = store;
    // No caching: tests revoke tokens and expect the next request to see it.
    TokenAuthorizer authorizer =
        new TokenAuthorizer(new CachingConnectionLookup(registry, CLOCK, Duration.ZERO));
    this.ingest = new IngestService(authorizer, queue, CLOCK, MAX_BODY_BYTES);
    this.aggregation = new AggregationService(store);
    this.query = new UsageQueryService(authorizer, store, rosters);
    this.summary = new SummaryService(authorizer, store, rosters, LastExportReader.NONE);
  }

  public ApiResponse send(Fixtures.CapturedRequest request, String ingestToken) {
    return ingest.accept(
        new ApiRequest(
            request.method(),
            request.path(),
            request.headersWithToken(ingestToken),
            Map.of(),
            request.body()));
  }

  /** Aggregates everything queued so far, in queue order. */
  public List<QueuedExport> aggregateQueued() throws Exception {
    List<QueuedExport> exports = queue.drain();
    for (QueuedExport export : exports) {
      aggregation.aggregate(export);
    }
    return exports;
  }

  public ApiResponse query(String readToken, Map<String, String> parameters) {
    return query.query(
        new ApiRequest(
            "GET",
            UsageQueryService.PATH,
            Map.of("Authorization", "Bearer " + readToken),
            parameters,
            new byte[0]));
  }

  /** {@code GET /api/usage/claude_code/summary} with these parameters and headers. */
  public ApiResponse summary(
      String readToken, Map<String, String> parameters, Map<String, String> headers) {
    Map<String, String> all = new HashMap<>(headers);
    all.put("Authorization", "Bearer " + readToken);
    return summary.summarize(
        new ApiRequest("GET", SummaryService.PATH, all, parameters, new byte[0]));
  }

  /** The same query asking for CSV. */
  public ApiResponse queryCsv(String readToken, Map<String, String> parameters) {
    return query.query(
        new ApiRequest(
            "GET",
            UsageQueryService.PATH,
            Map.of("Authorization", "Bearer " + readToken, "Accept", "text/csv"),
            parameters,
            new byte[0]));
  }
}
