package ccotel.aggregate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an aggregator container remembers having written, so that the same write is not made on
 * every export: a thread-safe map that forgets its least recently used entry past a bound.
 */
public final class RecentlyWritten {

  private RecentlyWritten() {}

  public static <K, V> Map<K, V> upTo(int maxEntries) {
    return Collections.synchronizedMap(
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > maxEntries;
          }
        });
  }
}
