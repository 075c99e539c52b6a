package ccotel.local;

import ccotel.auth.ConnectionAdmin;
import ccotel.settings.ClaudeCodeSettings;
import ccotel.settings.ExportIntervals;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A connection as the local runner and {@code connection create --json} print it (CONTRACT §2):
 * {@code {"connectionId", "ingestToken", "readToken", "endpoint", "settings"}}.
 */
record LocalConnectionFile(
    String connectionId, String ingestToken, String readToken, String endpoint) {

  static final String FILE_NAME = "local-connection.json";
  private static final JsonFactory JSON = new JsonFactory();

  static LocalConnectionFile of(ConnectionAdmin.NewConnection created, String endpoint) {
    return new LocalConnectionFile(
        created.connection().id(),
        created.ingestToken().value(),
        created.readToken().value(),
        endpoint);
  }

  Map<String, String> settingsEnv(ExportIntervals intervals) {
    return ClaudeCodeSettings.env(
        endpoint,
        ingestToken,
        ClaudeCodeSettings.EMAIL_PLACEHOLDER,
        Optional.of(ClaudeCodeSettings.NAME_PLACEHOLDER),
        intervals);
  }

  /** As saved in the data directory: the settings with the default export intervals. */
  String toJson() {
    return toJson(ExportIntervals.DEFAULT);
  }

  String toJson(ExportIntervals intervals) {
    return JsonText.of(
        json -> {
          json.writeStartObject();
          json.writeStringField("connectionId", connectionId);
          json.writeStringField("ingestToken", ingestToken);
          json.writeStringField("readToken", readToken);
          json.writeStringField("endpoint", endpoint);
          json.writeObjectFieldStart("settings");
          json.writeObjectFieldStart("env");
          for (Map.Entry<String, String> entry : settingsEnv(intervals).entrySet()) {
            json.writeStringField(entry.getKey(), entry.getValue());
          }
          json.writeEndObject();
          json.writeEndObject();
          json.writeEndObject();
        });
  }

  /** Writes the file whole and readable by its owner only from its first byte: it holds tokens. */
  void writeTo(Path file) throws IOException {
    SecretFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
  }

  static LocalConnectionFile read(Path file) throws IOException {
    String connectionId = null;
    String ingestToken = null;
    String readToken = null;
    String endpoint = null;
    try (JsonParser parser = JSON.createParser(Files.readAllBytes(file))) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(file + " is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        switch (field) {
          case "connectionId" -> connectionId = parser.getText();
          case "ingestToken" -> ingestToken = parser.getText();
          case "readToken" -> readToken = parser.getText();
          case "endpoint" -> endpoint = parser.getText();
          default -> parser.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (connectionId == null || ingestToken == null || readToken == null || endpoint == null) {
      throw new IOException(file + " lacks connectionId, ingestToken, readToken or endpoint");
    }
    return new LocalConnectionFile(connectionId, ingestToken, readToken, endpoint);
  }
}
