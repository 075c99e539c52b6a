package ccotel.query;

import ccotel.aggregate.UsageStoreUnavailableException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Port: every stored user-day of a date range at once, for answers that cover the whole range (the
 * summary). Unlike {@link UsageReader} it has no pages to hand back: an adapter may read the days
 * in parallel, as long as it hands them over in order.
 */
public interface UsageRangeReader {

  /** The user-days of one day, in user order (empty for a day without usage). */
  @FunctionalInterface
  interface DaySink {
    void day(LocalDate day, List<StoredUsage> rows);
  }

  /**
   * Calls {@code sink} once for every day from {@code from} to {@code to} (inclusive), in date
   * order, on the calling thread, with every user-day stored for it. If the store fails, the sink
   * has been called for a prefix of the days at most, and the caller must discard what it made.
   */
  void readRange(String connectionId, LocalDate from, LocalDate to, DaySink sink)
      throws UsageStoreUnavailableException;

  /**
   * A range reader over {@code reader}'s pages, read one after another in (day, user) order: all an
   * in-memory store needs.
   */
  static UsageRangeReader paging(UsageReader reader, int pageSize) {
    return (connectionId, from, to, sink) -> {
      LocalDate next = from; // the first day not yet handed to the sink
      List<StoredUsage> day = new ArrayList<>();
      Optional<String> cursor = Optional.empty();
      do {
        UsagePage page;
        try {
          page = reader.read(connectionId, from, to, pageSize, cursor);
        } catch (InvalidCursorException e) {
          throw new IllegalStateException("the reader refused its own cursor", e);
        }
        for (StoredUsage row : page.rows()) {
          while (next.isBefore(row.key().day())) {
            sink.day(next, day);
            day = new ArrayList<>();
            next = next.plusDays(1);
          }
          day.add(row);
        }
        cursor = page.nextCursor();
      } while (cursor.isPresent());
      for (; !next.isAfter(to); next = next.plusDays(1)) {
        sink.day(next, day);
        day = new ArrayList<>();
      }
    };
  }
}
