package ccotel.dynamodb;

import ccotel.aggregate.DayDelivery;
import ccotel.aggregate.SeriesState;
import ccotel.aggregate.UsageCommit;
import ccotel.aggregate.UsageStore;
import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.aggregate.WriteConflictException;
import ccotel.identity.IdentityLinks;
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
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Usage counters and aggregation state in DynamoDB ({@link ItemLayout} says where), by role: plain
 * writes ({@link PlainDayCounter}), transactions ({@link TransactionalCounter}), series state,
 * identity links and reading. Each call's DynamoDB failures reach the aggregator as unavailable
 * (worth a retry) or refused (never).
 */
public final class DynamoDbUsageStore implements UsageStore, UsageReader, IdentityLinks {

  private final PlainDayCounter plain;
  private final TransactionalCounter transactional;
  private final SeriesStateTable series;
  private final IdentityLinkTable links;
  private final UsageItemReader reader;

  public DynamoDbUsageStore(
      DynamoDbClient dynamoDb,
      String usageTable,
      String stateTable,
      Clock clock,
      Duration markerRetention) {
    DynamoDbShardLayouts shards = new DynamoDbShardLayouts(dynamoDb, usageTable, clock);
    ItemLayout.Tables tables =
        new ItemLayout.Tables(dynamoDb, usageTable, stateTable, clock, markerRetention, shards);
    this.plain = new PlainDayCounter(tables);
    this.series = new SeriesStateTable(tables);
    this.transactional = new TransactionalCounter(tables, plain, series);
    this.links = new IdentityLinkTable(tables);
    this.reader = new UsageItemReader(dynamoDb, usageTable, shards);
  }

  @Override
  public int maxWritesPerDelivery() {
    return TransactionalCounter.MAX_TRANSACTION_ITEMS;
  }

  @Override
  public Map<String, Counted> countOnce(String connectionId, List<DayDelivery> deliveries)
      throws UsageStoreUnavailableException {
    try {
      return plain.count(connectionId, deliveries);
    } catch (SdkException e) {
      throw DynamoDbCalls.failure("counting usage", e);
    }
  }

  @Override
  public Map<SeriesId, SeriesState> loadSeries(String connectionId, Collection<SeriesId> ids)
      throws UsageStoreUnavailableException {
    try {
      return series.load(connectionId, ids);
    } catch (SdkException e) {
      throw DynamoDbCalls.failure("reading series state", e);
    }
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
    try {
      return links.load(connectionId, users);
    } catch (SdkException e) {
      throw DynamoDbCalls.failure("reading identity links", e);
    }
  }

  /** The read side's links (e-mail backfill): one batched read for every id of an answer. */
  @Override
  public Map<UserIdentity, UserIdentity> emailsOf(String connectionId, Set<UserIdentity> ids)
      throws UsageStoreUnavailableException {
    try {
      return links.loadMany(connectionId, ids);
    } catch (SdkException e) {
      throw DynamoDbCalls.readFailure(e);
    }
  }

  @Override
  public void saveLinks(String connectionId, Map<UserIdentity, UserIdentity> saved)
      throws UsageStoreUnavailableException {
    try {
      links.save(connectionId, saved);
    } catch (SdkException e) {
      throw DynamoDbCalls.failure("writing identity links", e);
    }
  }

  @Override
  public UsagePage read(
      String connectionId, LocalDate from, LocalDate to, int limit, Optional<String> cursor)
      throws InvalidCursorException, UsageStoreUnavailableException {
    return reader.read(connectionId, from, to, limit, cursor);
  }
}
