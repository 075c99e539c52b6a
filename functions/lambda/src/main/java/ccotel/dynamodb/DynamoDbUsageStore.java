package ccotel.dynamodb;

import ccotel.aggregate.DayDelivery;
import ccotel.aggregate.SeriesState;
import ccotel.aggregate.UsageCommit;
import ccotel.aggregate.UsageStore;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.aggregate.WriteConflictException;
import ccotel.query.InvalidCursorException;
import ccotel.query.UsagePage;
import ccotel.query.UsageReader;
import ccotel.usage.SeriesId;
import ccotel.usage.UserIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Usage counters and aggregation state in DynamoDB ({@link ItemLayout} says where), by role: plain
 * writes ({@link PlainDayCounter}), transactions ({@link TransactionalCounter}), series state,
 * identity links and reading. Each call's DynamoDB failures reach the aggregator as unavailable
 * (worth a retry) or refused (never).
 */
public final class DynamoDbUsageStore implements UsageStore, UsageReader {

  private final PlainDayCounter plain;
  private final TransactionalCounter transactional;
  private final SeriesStateTable series;
  private final IdentityLinkTable links;
  private final UsageItemReader reader;

  /**
   * @param markerRetention how long a delivery id's marker is kept: longer than the same request
   *     can still be delivered
   */
  public DynamoDbUsageStore(
      DynamoDbClient dynamoDb,
      String usageTable,
      String stateTable,
      Clock clock,
      Duration markerRetention) {
    this.plain = new PlainDayCounter(dynamoDb, usageTable, stateTable, clock, markerRetention);
    this.series = new SeriesStateTable(dynamoDb, stateTable, clock);
    this.transactional =
        new TransactionalCounter(
            dynamoDb, usageTable, stateTable, clock, markerRetention, plain, series);
    this.links = new IdentityLinkTable(dynamoDb, stateTable);
    this.reader = new UsageItemReader(dynamoDb, usageTable);
  }

  @Override
  public int maxWritesPerDelivery() {
    return TransactionalCounter.MAX_TRANSACTION_ITEMS;
  }

  @Override
  public Map<String, Counted> countOnce(String connectionId, List<DayDelivery> deliveries)
      throws UsageStoreUnavailableException {
    return call("counting usage", () -> plain.count(connectionId, deliveries));
  }

  @Override
  public Map<SeriesId, SeriesState> loadSeries(String connectionId, Collection<SeriesId> ids)
      throws UsageStoreUnavailableException {
    return call("reading series state", () -> series.load(connectionId, ids));
  }

  @Override
  public boolean commit(UsageCommit commit)
      throws WriteConflictException, UsageStoreUnavailableException {
    try {
      return transactional.commit(commit);
    } catch (SdkException e) {
      throw DynamoDbCalls.failure("writing usage", e);
    }
  }

  @Override
  public Map<UserIdentity, UserIdentity> loadLinks(
      String connectionId, Collection<UserIdentity> users) throws UsageStoreUnavailableException {
    return call("reading identity links", () -> links.load(connectionId, users));
  }

  @Override
  public void saveLinks(String connectionId, Map<UserIdentity, UserIdentity> saved)
      throws UsageStoreUnavailableException {
    call(
        "writing identity links",
        () -> {
          links.save(connectionId, saved);
          return null;
        });
  }

  /** A call of a role, whose DynamoDB failures reach the aggregator as unavailable or refused. */
  private interface Call<T> {
    T run() throws UsageStoreUnavailableException;
  }

  private static <T> T call(String what, Call<T> call) throws UsageStoreUnavailableException {
    try {
      return call.run();
    } catch (SdkException e) {
      throw DynamoDbCalls.failure(what, e);
    }
  }

  @Override
  public UsagePage read(
      String connectionId, LocalDate from, LocalDate to, int limit, Optional<String> cursor)
      throws InvalidCursorException, UsageStoreUnavailableException {
    return reader.read(connectionId, from, to, limit, cursor);
  }
}
