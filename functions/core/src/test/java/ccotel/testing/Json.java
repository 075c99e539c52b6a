package ccotel.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/** JSON reading and exact comparison for tests (numbers compare by value: 7.5 == 7.50). */
public final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static JsonNode read(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> readMap(byte[] json) {
    try {
      return MAPPER.readValue(json, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Fails with the first difference's path unless the two documents are equal. */
  public static void assertJsonEquals(JsonNode expected, JsonNode actual) {
    String difference = difference("$", expected, actual);
    if (difference != null) {
      fail(difference + "\nexpected: " + expected + "\nactual:   " + actual);
    }
  }

  /** Equal as {@link #assertJsonEquals} compares: numbers by value. */
  public static boolean jsonEquals(JsonNode expected, JsonNode actual) {
    return difference("$", expected, actual) == null;
  }

  private static String difference(String path, JsonNode expected, JsonNode actual) {
    if (expected.isNumber() && actual.isNumber()) {
      BigDecimal e = expected.decimalValue();
      BigDecimal a = actual.decimalValue();
      return e.compareTo(a) == 0 ? null : path + ": expected " + e + " but was " + a;
    }
    if (expected.getNodeType() != actual.getNodeType()) {
      return path + ": expected " + expected + " but was " + actual;
    }
    if (expected.isObject()) {
      Iterator<String> names = expected.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!actual.has(name)) {
          return path + "." + name + ": missing";
        }
        String inner = difference(path + "." + name, expected.get(name), actual.get(name));
        if (inner != null) {
          return inner;
        }
      }
      Iterator<String> actualNames = actual.fieldNames();
      while (actualNames.hasNext()) {
        String name = actualNames.next();
        if (!expected.has(name)) {
          return path + "." + name + ": unexpected " + actual.get(name);
        }
      }
      return null;
    }
    if (expected.isArray()) {
      if (expected.size() != actual.size()) {
        return path + ": expected " + expected.size() + " elements but was " + actual.size();
      }
      for (int i = 0; i < expected.size(); i++) {
        String inner = difference(path + "[" + i + "]", expected.get(i), actual.get(i));
        if (inner != null) {
          return inner;
        }
      }
      return null;
    }
    return expected.equals(actual) ? null : path + ": expected " + expected + " but was " + actual;
  }
}
