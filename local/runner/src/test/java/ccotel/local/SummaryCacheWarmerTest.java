package ccotel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.query.CachingRangeReader;
import ccotel.query.DayVersions;
import ccotel.query.UsageRangeReader;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a warming pass reads: each connection's last 90 days once, then only what changed. */
class SummaryCacheWarmerTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-03T09:30:00Z"), ZoneOffset.UTC);
  private static final LocalDate TODAY = LocalDate.parse("2026-12-03");

  private final List<String> daysRead = new ArrayList<>(); // "connection day"
  private final Map<String, Long> versions = new HashMap<>();

  private final UsageRangeReader store =
      (connectionId, from, to, sink) ->
          from.datesUntil(to.plusDays(1))
              .forEach(
                  day -> {
                    daysRead.add(connectionId + " " + day);
                    sink.day(day, List.of());
                  });

  private final DayVersions dayVersions =
      (connectionId, from, to) -> {
        Map<LocalDate, Long> found = new HashMap<>();
        from.datesUntil(to.plusDays(1))
            .forEach(day -> found.put(day, versions.getOrDefault(connectionId + " " + day, 0L)));
        return found;
      };

  @Test
  void aPass_readsEveryConnectionsLast90Days_andTheNextOnlyWhatChanged() throws Exception {
    CachingRangeReader cache =
        new CachingRangeReader(store, dayVersions, CLOCK, CachingRangeReader.DEFAULT_MAX_AGE, 1000);
    List<String> connections = new ArrayList<>(List.of("c1"));
    SummaryCacheWarmer warmer =
        new SummaryCacheWarmer(() -> List.copyOf(connections), cache, CLOCK);

    warmer.pass();
    assertEquals(90, daysRead.size());
    assertEquals("c1 " + TODAY.minusDays(89), daysRead.get(0));
    assertEquals("c1 " + TODAY, daysRead.get(89));

    daysRead.clear();
    connections.add("c2");
    versions.put("c1 " + TODAY, 1L);
    warmer.pass();
    assertEquals(91, daysRead.size(), "c1's changed day, and c2's 90 days");
    assertEquals("c1 " + TODAY, daysRead.get(0));

    // What a summary then reads of the range: nothing from the store.
    daysRead.clear();
    cache.readRange("c2", TODAY.minusDays(89), TODAY, (day, rows) -> {});
    cache.readRange("c1", TODAY.minusDays(29), TODAY, (day, rows) -> {});
    assertEquals(List.of(), daysRead);
  }
}
