package ccotel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.auth.TokenHash;
import ccotel.auth.TokenScope;
import ccotel.config.Config;
import ccotel.dynamodb.DynamoDbConnectionRegistry;
import ccotel.dynamodb.DynamoDbTables;
import ccotel.embedded.EmbeddedAws;
import ccotel.testing.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin CLI against a "deployed" stack: tables named outright, reached through the standard
 * credential chain and an endpoint override (DynamoDB Local stands in for AWS), no local runner.
 */
class DeployedAdminIT {

  @RegisterExtension static final EmbeddedAws AWS = EmbeddedAws.inMemory();

  private static final String API_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/";

  @BeforeAll
  static void credentialsFromTheStandardChain() {
    System.setProperty("aws.accessKeyId", "deployedtest");
    System.setProperty("aws.secretAccessKey", "deployedtest");
  }

  @AfterAll
  static void clearCredentials() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @Test
  void createsListsRotatesAndRevokes_onNamedTables() throws Exception {
    Config config =
        Config.fromEnv(
            Map.of(
                Config.USAGE_TABLE, "prod-usage",
                Config.TOKENS_TABLE, "prod-tokens",
                Config.CONNECTIONS_TABLE, "prod-connections",
                Config.STATE_TABLE, "prod-state",
                Config.INGEST_QUEUE_URL, "https://sqs.eu-west-1.amazonaws.com/1/q"));
    DynamoDbTables.createIfMissing(AWS.dynamoDb().client(), config);
    DynamoDbConnectionRegistry registry =
        new DynamoDbConnectionRegistry(
            AWS.dynamoDb().client(), "prod-tokens", "prod-connections", Clock.systemUTC());

    JsonNode created = Json.read(cli("connection", "create", "--name", "platform", "--json"));

    assertEquals(
        "https://abc123.execute-api.eu-west-1.amazonaws.com/api/otel",
        created.get("endpoint").asText());
    String ingestToken = created.get("ingestToken").asText();
    String connectionId = created.get("connectionId").asText();
    assertEquals(
        connectionId, registry.find(TokenHash.of(ingestToken)).orElseThrow().connectionId());
    assertTrue(new String(cli("connection", "list"), StandardCharsets.UTF_8).contains("platform"));

    JsonNode rotated =
        Json.read(cli("connection", "rotate-token", "--connection", connectionId, "--json"));
    String fresh = rotated.get("token").asText();
    assertEquals(TokenScope.INGEST, registry.find(TokenHash.of(fresh)).orElseThrow().scope());
    assertTrue(registry.find(TokenHash.of(ingestToken)).isEmpty(), "rotated out, no overlap");
    cli("connection", "revoke-token", "--connection", connectionId, "--scope", "all");
    assertTrue(registry.find(TokenHash.of(fresh)).isEmpty(), "revoked");

    JsonNode user =
        Json.read(
            cli(
                "user",
                "token",
                "--connection",
                connectionId,
                "--email",
                "Dev@Example.com",
                "--json"));
    String userToken = user.get("ingestToken").asText();
    assertEquals(
        java.util.Optional.of("dev@example.com"),
        registry.find(TokenHash.of(userToken)).orElseThrow().userEmail());
    assertEquals(
        "https://abc123.execute-api.eu-west-1.amazonaws.com/api/otel",
        user.at("/settings/env/OTEL_EXPORTER_OTLP_ENDPOINT").asText());
    JsonNode aggregate =
        Json.read(
            cli(
                "connection",
                "add-read-token",
                "--connection",
                connectionId,
                "--view",
                "aggregate",
                "--json"));
    assertEquals(
        ccotel.auth.ReadView.AGGREGATE,
        registry.find(TokenHash.of(aggregate.get("readToken").asText())).orElseThrow().view());
    cli("user", "revoke-token", "--connection", connectionId, "--email", "dev@example.com");
    assertTrue(registry.find(TokenHash.of(userToken)).isEmpty(), "user token revoked");
  }

  private static byte[] cli(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--tokens-table", "prod-tokens",
            "--connections-table", "prod-connections",
            "--api-url", API_URL,
            "--region", "eu-west-1",
            "--endpoint-url", AWS.dynamoDb().endpoint().toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        new CcotelCli(new PrintStream(out, true, StandardCharsets.UTF_8), Map.of())
            .run(all.toArray(new String[0]));
    assertEquals(0, status);
    return out.toByteArray();
  }
}
