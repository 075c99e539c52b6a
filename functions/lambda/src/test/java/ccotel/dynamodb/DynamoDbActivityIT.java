package ccotel.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.activity.ActivityReader;
import ccotel.activity.ActivityRecorder;
import ccotel.activity.ActivityStoreContract;
import ccotel.embedded.EmbeddedAws;
import ccotel.lambda.AwsTestStack;
import ccotel.usage.UserIdentity;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Activity as items of the usage table on DynamoDB Local, beside a connection's user-days, which no
 * usage read ever returns.
 */
class DynamoDbActivityIT extends ActivityStoreContract {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static AwsTestStack stack;
  private static DynamoDbActivity activity;

  @BeforeAll
  static void createTables() {
    stack = new AwsTestStack(AWS);
    activity = new DynamoDbActivity(AWS.dynamoDb().client(), stack.config.usageTable());
  }

  @Override
  protected ActivityRecorder recorder() {
    return activity;
  }

  @Override
  protected ActivityReader reader() {
    return activity;
  }

  @Test
  void activityItems_areNeverReadAsUsage() throws Exception {
    String connection = "conn_activity_beside_usage";
    LocalDate day = LocalDate.parse("2026-11-30");
    activity.exportReceived(connection, Instant.parse("2026-11-30T10:00:00Z"));
    activity.exportsCounted(connection, Map.of(Instant.parse("2026-11-30T10:00:00Z"), 3));
    activity.usersActive(connection, Map.of(UserIdentity.email("ada@org.example"), day));

    assertEquals(
        List.of(),
        new DynamoDbUsageStore(
                AWS.dynamoDb().client(),
                stack.config.usageTable(),
                stack.config.stateTable(),
                Clock.systemUTC(),
                stack.config.deliveryRetention())
            .read(connection, day.minusDays(1), day.plusDays(1), 100, Optional.empty())
            .rows());
    List<LocalDate> days = new ArrayList<>();
    new DynamoDbRangeReader(AWS.dynamoDb().client(), stack.config.usageTable(), 2)
        .readRange(
            connection,
            day.minusDays(1),
            day.plusDays(1),
            (d, rows) -> {
              if (!rows.isEmpty()) {
                days.add(d);
              }
            });
    assertEquals(List.of(), days);
  }

  @Test
  void usersLastActiveDays_ofAShardedConnection_areInItsShards_andTheLatestWins() throws Exception {
    String connection = "conn_activity_sharded";
    LocalDate day = LocalDate.parse("2026-11-29");
    DynamoDbShardLayouts layouts =
        new DynamoDbShardLayouts(
            AWS.dynamoDb().client(),
            stack.config.usageTable(),
            Clock.fixed(Instant.parse("2026-11-20T00:00:00Z"), java.time.ZoneOffset.UTC));
    layouts.initial(connection, LocalDate.parse("2026-01-01"), 4);
    layouts.change(connection, day.plusDays(1), 2);
    Map<UserIdentity, LocalDate> expected = new java.util.TreeMap<>();
    for (int i = 0; i < 12; i++) {
      expected.put(UserIdentity.email("dev-" + i + "@org.example"), day);
    }
    activity.usersActive(connection, expected);
    // The next day's shards are other keys: a user may now have two items, and the later counts.
    UserIdentity ada = UserIdentity.email("dev-0@org.example");
    activity.usersActive(connection, Map.of(ada, day.plusDays(1)));
    expected.put(ada, day.plusDays(1));

    assertEquals(expected, activity.lastActiveDays(connection));
    java.util.Set<String> keys = new java.util.TreeSet<>();
    AWS.dynamoDb()
        .client()
        .scanPaginator(b -> b.tableName(stack.config.usageTable()))
        .items()
        .forEach(
            item -> {
              if (item.get("sk").s().startsWith(DynamoDbActivity.ACTIVE_PREFIX)
                  && item.get("connectionId").s().startsWith(connection)) {
                keys.add(item.get("connectionId").s());
              }
            });
    assertEquals(
        java.util.Set.of(
            connection + "#0", connection + "#1", connection + "#2", connection + "#3"),
        keys,
        "12 users over 4 shards, none in the connection's own key");
  }
}
