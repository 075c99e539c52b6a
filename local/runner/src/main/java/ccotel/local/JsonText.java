package ccotel.local;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** JSON string literals for the CLI's small hand-built answers. */
final class JsonText {

  private JsonText() {}

  static String quote(String value) {
    return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + '"';
  }
}
