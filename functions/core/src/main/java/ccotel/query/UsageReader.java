package ccotel.query;

import ccotel.aggregate.UsageStoreUnavailableException;
import java.time.LocalDate;
import java.util.Optional;

/** Port: reads one connection's stored user-days. */
public interface UsageReader {

  /**
   * Up to {@code limit} user-days of {@code connectionId} from {@code from} to {@code to}
   * (inclusive), ordered by day then user, starting after {@code cursor}.
   *
   * @throws InvalidCursorException if the cursor was not made by this reader
   */
  UsagePage read(
      String connectionId, LocalDate from, LocalDate to, int limit, Optional<String> cursor)
      throws InvalidCursorException, UsageStoreUnavailableException;
}
