package ccotel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.testing.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI says when a command fails before it reaches any stack: one line a user can act on.
 */
class CcotelCliTest {

  private static final String[] SETTINGS = {
    "connection", "settings", "--ingest-token", "t", "--endpoint", "http://e"
  };

  @TempDir Path dir;

  @Test
  void aDirectoryToMergeInto_isNamedAsTheBadValue() {
    Answer answer =
        run(
            "connection",
            "settings",
            "--ingest-token",
            "t",
            "--endpoint",
            "http://127.0.0.1:1",
            "--merge-into",
            dir.toString());

    assertEquals(2, answer.status());
    assertEquals(
        "ccotel: --merge-into " + dir + " is a directory, not a settings file", answer.firstLine());
  }

  @Test
  void settings_carryTheDefaultExportIntervals_orTheGivenOnes() {
    JsonNode defaults = Json.read(run(SETTINGS).out().getBytes(StandardCharsets.UTF_8)).get("env");
    assertEquals("300000", defaults.get("OTEL_METRIC_EXPORT_INTERVAL").asText());
    assertEquals("300000", defaults.get("OTEL_LOGS_EXPORT_INTERVAL").asText());

    Answer both = run(concat(SETTINGS, "--export-interval", "2m"));
    assertEquals(0, both.status());
    JsonNode env = Json.read(both.out().getBytes(StandardCharsets.UTF_8)).get("env");
    assertEquals("120000", env.get("OTEL_METRIC_EXPORT_INTERVAL").asText());
    assertEquals("120000", env.get("OTEL_LOGS_EXPORT_INTERVAL").asText());

    Answer each = run(concat(SETTINGS, "--export-interval", "metrics=300s,logs=60s"));
    env = Json.read(each.out().getBytes(StandardCharsets.UTF_8)).get("env");
    assertEquals("300000", env.get("OTEL_METRIC_EXPORT_INTERVAL").asText());
    assertEquals("60000", env.get("OTEL_LOGS_EXPORT_INTERVAL").asText());
  }

  @Test
  void aBadExportInterval_exits2_sayingWhy() {
    Answer answer = run(concat(SETTINGS, "--export-interval", "500ms"));
    assertEquals(2, answer.status());
    assertEquals(
        "ccotel: --export-interval: metrics must be from 1s to 1h, not 500ms", answer.firstLine());
    // Before anything starts.
    Answer bare = run("local", "--export-interval", "60", "--data", dir.toString());
    assertEquals(2, bare.status());
    assertEquals(
        "ccotel: --export-interval: '60' is not a duration such as 300s, 5m or 1500ms (a whole"
            + " number and ms, s, m or h)",
        bare.firstLine());
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  @Test
  void aBadEndpointUrl_isNamedAsTheBadValue() {
    Answer answer =
        run(
            "connection",
            "list",
            "--tokens-table",
            "t",
            "--connections-table",
            "c",
            "--api-url",
            "http://127.0.0.1:1",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            "::x");

    assertEquals(2, answer.status());
    assertEquals(
        "ccotel: --endpoint-url must be a URL such as http://127.0.0.1:8000, not '::x'",
        answer.firstLine());
  }

  @Test
  void aBrokenRuntimeFile_isNamed_inOneLine() throws Exception {
    Files.writeString(dir.resolve(RuntimeFile.FILE_NAME), "xx");

    Answer answer = run("dlq", "list", "--data", dir.toString());

    assertEquals(1, answer.status());
    assertEquals(
        List.of(
            "ccotel: "
                + dir.resolve(RuntimeFile.FILE_NAME)
                + " is not valid JSON: Unrecognized token 'xx': was expecting (JSON String,"
                + " Number, Array, Object or token 'null', 'true' or 'false')"),
        answer.err().lines().toList());
  }

  @Test
  void failuresWithoutAMessage_sayWhatFailed() {
    assertEquals(
        "unexpected java.lang.IllegalStateException; please report it with the command you ran",
        CcotelCli.describe(new IllegalStateException()));
    assertEquals(
        "unexpected java.lang.RuntimeException, caused by /x: no such file or directory; please"
            + " report it with the command you ran",
        CcotelCli.describe(new RuntimeException(null, new NoSuchFileException("/x"))));
    assertEquals(
        "/x: no such file or directory", CcotelCli.describe(new NoSuchFileException("/x")));
    assertEquals("a reason", CcotelCli.describe(new IllegalStateException("a reason\nmore")));
  }

  private record Answer(int status, String out, String err) {
    String firstLine() {
      return err.lines().findFirst().orElse("");
    }
  }

  private static Answer run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        CcotelCli.execute(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of());
    return new Answer(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
