package ccotel.aggregate;

import java.time.LocalDate;
import java.util.Set;

/**
 * Port: tells readers which user-days may have changed. The aggregator calls it after the usage
 * writes of a batch, so a reader that sees a day's change has also seen the writes before it (see
 * {@link ccotel.query.DayVersions}).
 */
@FunctionalInterface
public interface DayChanges {

  /** Nobody caches: nothing to tell. */
  DayChanges NONE = (connectionId, days) -> {};

  /** Moves the change version of each of these UTC days of the connection. */
  void changed(String connectionId, Set<LocalDate> days) throws UsageStoreUnavailableException;
}
