package ccotel.local;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The CLI's JSON answers and files, written by Jackson, indented, with a final newline. */
final class JsonText {

  private static final JsonFactory JSON = new JsonFactory();

  /** Writes one JSON value with {@code json}. */
  interface Writer {
    void write(JsonGenerator json) throws IOException;
  }

  private JsonText() {}

  static String of(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      json.useDefaultPrettyPrinter();
      writer.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toString(StandardCharsets.UTF_8) + "\n";
  }
}
