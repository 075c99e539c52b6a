package ccotel.query;

import ccotel.aggregate.UsageStoreUnavailableException;
import java.time.LocalDate;
import java.util.Map;

/**
 * Port: a change version per connection and UTC day, which moves after every batch that wrote to
 * the day (including a redelivery found counted before), never before its writes. A reader that
 * read a day's version before its rows has seen every write whose change came before: while the
 * version stays, its rows stay.
 */
@FunctionalInterface
public interface DayVersions {

  /**
   * The version of every day from {@code from} to {@code to} (inclusive); a day never changed has
   * 0. Read consistently.
   */
  Map<LocalDate, Long> versions(String connectionId, LocalDate from, LocalDate to)
      throws UsageStoreUnavailableException;
}
