package ccotel.local;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a running local stack can be reached, written at start and removed at stop, so that the
 * admin CLI can talk to the same embedded DynamoDB.
 */
record RuntimeFile(int port, URI dynamoDbEndpoint, URI sqsEndpoint, long pid) {

  static final String FILE_NAME = "runtime.json";
  private static final JsonFactory JSON = new JsonFactory();

  /**
   * Written whole or not at all (readers poll for the file and must never see half of it), and
   * owner-only: it names the endpoint of the embedded DynamoDB that holds the token hashes.
   */
  void writeTo(Path file) throws IOException {
    SecretFiles.write(
        file,
        out -> {
          try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("port", port);
            json.writeStringField("dynamoDbEndpoint", dynamoDbEndpoint.toString());
            json.writeStringField("sqsEndpoint", sqsEndpoint.toString());
            json.writeNumberField("pid", pid);
            json.writeEndObject();
          }
        },
        Optional.empty());
  }

  static RuntimeFile read(Path file) throws IOException {
    int port = 0;
    String dynamoDb = null;
    String sqs = null;
    long pid = 0;
    try (JsonParser parser = JSON.createParser(Files.readAllBytes(file))) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(file + " is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        switch (field) {
          case "port" -> port = parser.getIntValue();
          case "dynamoDbEndpoint" -> dynamoDb = parser.getText();
          case "sqsEndpoint" -> sqs = parser.getText();
          case "pid" -> pid = parser.getLongValue();
          default -> parser.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (dynamoDb == null || sqs == null) {
      throw new IOException(file + " lacks the endpoints");
    }
    return new RuntimeFile(port, URI.create(dynamoDb), URI.create(sqs), pid);
  }

  /** The running local stack of {@code dataDir}, or a message saying how to start it. */
  static RuntimeFile running(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      throw new IllegalStateException(
          "no local stack runs on " + dataDir + "; start it with ./ccotel local --data " + dataDir);
    }
    RuntimeFile runtime = read(file);
    if (!runtime.isAlive()) {
      throw new IllegalStateException(
          "the local stack of " + dataDir + " is not running (stale " + file + ")");
    }
    return runtime;
  }

  /** Whether the process that wrote this file is still alive. */
  boolean isAlive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
