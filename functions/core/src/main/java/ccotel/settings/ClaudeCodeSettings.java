package ccotel.settings;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code env} block of {@code ~/.claude/settings.json} that makes Claude Code export its
 * telemetry to a connection, and a merge into an existing settings file that keeps everything else.
 */
public final class ClaudeCodeSettings {

  /** Placeholders a user (or the admin rolling settings out) replaces with who they are. */
  public static final String EMAIL_PLACEHOLDER = "you@example.com";

  public static final String NAME_PLACEHOLDER = "First Last";

  private static final JsonFactory JSON = new JsonFactory();

  private ClaudeCodeSettings() {}

  /**
   * The environment Claude Code needs.
   *
   * @param endpoint the OTLP base, e.g. {@code http://127.0.0.1:4318/api/otel}; Claude Code appends
   *     {@code /v1/metrics} and {@code /v1/logs}
   */
  public static Map<String, String> env(
      String endpoint, String ingestToken, String email, String name) {
    return env(endpoint, ingestToken, email, Optional.of(name));
  }

  /**
   * The environment for one user, e.g. of a per-user ingest token: {@code user.name} only when a
   * name is known.
   */
  public static Map<String, String> env(
      String endpoint, String ingestToken, String email, Optional<String> name) {
    return env(endpoint, ingestToken, email, name, ExportIntervals.DEFAULT);
  }

  /** As above, exporting at the given intervals. */
  public static Map<String, String> env(
      String endpoint,
      String ingestToken,
      String email,
      Optional<String> name,
      ExportIntervals intervals) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLAUDE_CODE_ENABLE_TELEMETRY", "1");
    env.put("OTEL_METRICS_EXPORTER", "otlp");
    env.put("OTEL_LOGS_EXPORTER", "otlp");
    env.putAll(intervals.env());
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
    env.put("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer " + ingestToken);
    env.put(
        "OTEL_RESOURCE_ATTRIBUTES",
        "user.email="
            + resourceValue(email)
            + name.map(n -> ",user.name=" + resourceValue(n)).orElse(""));
    return env;
  }

  /** {@code {"env": {...}}}, pretty-printed, ready to merge into settings.json. */
  public static String settingsJson(Map<String, String> env) {
    return write(
        json -> {
          json.useDefaultPrettyPrinter();
          json.writeStartObject();
          writeEnv(json, env);
          json.writeEndObject();
        });
  }

  /**
   * Merges {@code env} into an existing settings.json text: our keys are set in its {@code env}
   * object, every other key and value is kept as it was.
   *
   * @throws IllegalArgumentException if the existing text is not a JSON object
   */
  public static String merge(String existingSettings, Map<String, String> env) {
    if (existingSettings == null || existingSettings.isBlank()) {
      return settingsJson(env);
    }
    return write(
        json -> {
          json.useDefaultPrettyPrinter();
          try (JsonParser parser = JSON.createParser(existingSettings)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
              throw new IllegalArgumentException("settings file is not a JSON object");
            }
            json.writeStartObject();
            boolean envWritten = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              String field = parser.currentName();
              parser.nextToken();
              if (field.equals("env") && parser.currentToken() == JsonToken.START_OBJECT) {
                json.writeFieldName("env");
                json.writeStartObject();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                  String key = parser.currentName();
                  parser.nextToken();
                  if (env.containsKey(key)) {
                    parser.skipChildren();
                  } else {
                    json.writeFieldName(key);
                    json.copyCurrentStructure(parser);
                  }
                }
                for (Map.Entry<String, String> entry : env.entrySet()) {
                  json.writeStringField(entry.getKey(), entry.getValue());
                }
                json.writeEndObject();
                envWritten = true;
              } else if (field.equals("env")) {
                parser.skipChildren(); // a non-object env is unusable; ours replaces it
              } else {
                json.writeFieldName(field);
                json.copyCurrentStructure(parser);
              }
            }
            if (!envWritten) {
              writeEnv(json, env);
            }
            json.writeEndObject();
            if (parser.nextToken() != null) {
              throw new IllegalArgumentException("settings file has content after its JSON object");
            }
          }
        });
  }

  private static void writeEnv(JsonGenerator json, Map<String, String> env) throws IOException {
    json.writeObjectFieldStart("env");
    for (Map.Entry<String, String> entry : env.entrySet()) {
      json.writeStringField(entry.getKey(), entry.getValue());
    }
    json.writeEndObject();
  }

  /**
   * OTEL_RESOURCE_ATTRIBUTES values are W3C-baggage style: bytes outside baggage-octet, and '%' and
   * '=' which the list syntax uses, are percent-encoded ({@code First%20Last}); '@' stays.
   */
  static String resourceValue(String value) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean baggageOctet =
          c == 0x21
              || (c >= 0x23 && c <= 0x2b)
              || (c >= 0x2d && c <= 0x3a)
              || (c >= 0x3c && c <= 0x5b)
              || (c >= 0x5d && c <= 0x7e);
      if (baggageOctet && c != '%' && c != '=') {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(String.format("%02X", c));
      }
    }
    return encoded.toString();
  }

  private interface Writing {
    void writeTo(JsonGenerator json) throws IOException;
  }

  private static String write(Writing writing) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      writing.writeTo(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "settings file is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toString(StandardCharsets.UTF_8) + "\n";
  }
}
