package ccotel.local;

import ccotel.ingest.IngestService;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Where the admin CLI administers connections: the running local stack of a data directory, or a
 * deployed stack — found by its CloudFormation outputs ({@code --stack}) or named outright ({@code
 * --tokens-table}, {@code --connections-table}, {@code --api-url}, and {@code --state-table} for
 * rosters) — through the standard AWS credential chain.
 */
record AdminTarget(
    DynamoDbClient dynamoDb,
    String tokensTable,
    String connectionsTable,
    String ingestEndpoint,
    Optional<String> stateTable,
    Optional<String> usageTable)
    implements AutoCloseable {

  static final String STACK = "stack";
  static final String TOKENS_TABLE = "tokens-table";
  static final String CONNECTIONS_TABLE = "connections-table";
  static final String STATE_TABLE = "state-table";
  static final String USAGE_TABLE = "usage-table";
  static final String API_URL = "api-url";
  static final String REGION = "region";
  static final String ENDPOINT_URL = "endpoint-url";

  /** Reads the target's options; the local stack of {@code dataDir} when none names one. */
  static AdminTarget resolve(Arguments arguments, Path dataDir, Map<String, String> env)
      throws IOException {
    Optional<String> stack = arguments.option(STACK);
    Optional<String> tokensTable = arguments.option(TOKENS_TABLE);
    Optional<String> region = arguments.option(REGION);
    Optional<String> endpointUrl = arguments.option(ENDPOINT_URL);
    Optional<String> stateTable = arguments.option(STATE_TABLE);
    if (stack.isPresent()) {
      Map<String, String> outputs = stackOutputs(stack.get(), region);
      return deployed(
          required(outputs, "TokensTableName", stack.get()),
          required(outputs, "ConnectionsTableName", stack.get()),
          required(outputs, "ApiUrl", stack.get()),
          Optional.of(required(outputs, "StateTableName", stack.get())),
          Optional.of(required(outputs, "UsageTableName", stack.get())),
          region,
          endpointUrl);
    }
    if (tokensTable.isPresent()) {
      return deployed(
          tokensTable.get(),
          arguments.required(CONNECTIONS_TABLE),
          arguments.required(API_URL),
          stateTable,
          arguments.option(USAGE_TABLE),
          region,
          endpointUrl);
    }
    RuntimeFile runtime = RuntimeFile.running(dataDir);
    var config = LocalStack.config("unused", env);
    return new AdminTarget(
        LocalAwsClients.dynamoDb(runtime.dynamoDbEndpoint()),
        config.tokensTable(),
        config.connectionsTable(),
        "http://127.0.0.1:" + runtime.port() + IngestService.BASE_PATH,
        Optional.of(config.stateTable()),
        Optional.of(config.usageTable()));
  }

  /** The usage table, where budgets and alerts are kept. */
  String requireUsageTable() {
    return usageTable.orElseThrow(
        () ->
            new Arguments.UsageException(
                "budgets live in the usage table: add --" + USAGE_TABLE + " T"));
  }

  private static AdminTarget deployed(
      String tokensTable,
      String connectionsTable,
      String apiUrl,
      Optional<String> stateTable,
      Optional<String> usageTable,
      Optional<String> region,
      Optional<String> endpointUrl) {
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
    region.map(Region::of).ifPresent(builder::region);
    endpointUrl.map(AdminTarget::endpointUrl).ifPresent(builder::endpointOverride);
    String base = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
    return new AdminTarget(
        builder.build(),
        tokensTable,
        connectionsTable,
        base + IngestService.BASE_PATH,
        stateTable,
        usageTable);
  }

  static Map<String, String> stackOutputs(String stackName, Optional<String> region) {
    var builder = CloudFormationClient.builder().httpClient(UrlConnectionHttpClient.create());
    region.map(Region::of).ifPresent(builder::region);
    try (CloudFormationClient cloudFormation = builder.build()) {
      Stack stack = cloudFormation.describeStacks(b -> b.stackName(stackName)).stacks().get(0);
      return outputsOf(stack);
    }
  }

  static Map<String, String> outputsOf(Stack stack) {
    Map<String, String> outputs = new HashMap<>();
    for (Output output : stack.outputs()) {
      outputs.put(output.outputKey(), output.outputValue());
    }
    return outputs;
  }

  private static URI endpointUrl(String value) {
    try {
      URI uri = new URI(value);
      if (uri.getScheme() != null && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // said below
    }
    throw new Arguments.UsageException(
        "--" + ENDPOINT_URL + " must be a URL such as http://127.0.0.1:8000, not '" + value + "'");
  }

  static String required(Map<String, String> outputs, String key, String stack) {
    String value = outputs.get(key);
    if (value == null) {
      throw new IllegalStateException(
          "stack " + stack + " has no output " + key + "; is it a ccotel stack?");
    }
    return value;
  }

  /** The state table, where rosters are; named by the stack, or by {@code --state-table}. */
  String requiredStateTable() {
    return stateTable.orElseThrow(
        () ->
            new Arguments.UsageException(
                "--" + STATE_TABLE + " is required with --" + TOKENS_TABLE + " for team commands"));
  }

  @Override
  public void close() {
    dynamoDb.close();
  }
}
