package ccotel.testing;

import ccotel.activity.LastExportReader;
import ccotel.aggregate.AggregationService;
import ccotel.aggregate.InMemoryUsageStore;
import ccotel.api.ApiRequest;
import ccotel.api.ApiResponse;
import ccotel.auth.CachingConnectionLookup;
import ccotel.auth.ConnectionAdmin;
import ccotel.auth.ConnectionLookup;
import ccotel.auth.InMemoryConnectionRegistry;
import ccotel.auth.ReadView;
import ccotel.auth.TokenAuthorizer;
import ccotel.auth.TokenGrant;
import ccotel.auth.TokenHash;
import ccotel.auth.TokenScope;
import ccotel.ingest.InMemoryIngestQueue;
import ccotel.ingest.IngestService;
import ccotel.ingest.QueuedExport;
import ccotel.query.UsageQueryService;
import ccotel.query.UsageRangeReader;
import ccotel.summary.SummaryService;
import ccotel.teams.InMemoryRosterStore;
import ccotel.views.PseudonymKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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

  /** Each connection's pseudonym key (tests make them: the read path never does). */
  public final Map<String, byte[]> pseudonymKeys = new HashMap<>();

  /** Read tokens of a view other than full, until stored tokens carry views (issue 15). */
  private final Map<TokenHash, TokenGrant> viewTokens = new HashMap<>();

  public InMemoryPipeline() {
    this(new InMemoryUsageStore());
  }

  public InMemoryPipeline(InMemoryUsageStore store) {
    this.store = store;
    // No caching: tests revoke tokens and expect the next request to see it.
    ConnectionLookup stored = new CachingConnectionLookup(registry, CLOCK, Duration.ZERO);
    ConnectionLookup lookup =
        hash ->
            viewTokens.containsKey(hash) ? Optional.of(viewTokens.get(hash)) : stored.find(hash);
    TokenAuthorizer authorizer = new TokenAuthorizer(lookup);
    this.ingest = new IngestService(authorizer, queue, CLOCK, MAX_BODY_BYTES);
    this.aggregation = new AggregationService(store);
    PseudonymKeys keys = connectionId -> Optional.ofNullable(pseudonymKeys.get(connectionId));
    this.query = new UsageQueryService(authorizer, store, store::loadLinks, rosters, keys);
    this.summary =
        new SummaryService(
            authorizer,
            UsageRangeReader.paging(store, 1000),
            rosters,
            LastExportReader.NONE,
            store::loadLinks,
            keys);
  }

  /** A new read token of {@code connectionId} that has {@code view}. */
  public String readToken(String connectionId, ReadView view) {
    String token = "ccotel_read_" + UUID.randomUUID().toString().replace("-", "");
    viewTokens.put(
        TokenHash.of(token), new TokenGrant(connectionId, TokenScope.READ, view, Optional.empty()));
    return token;
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
