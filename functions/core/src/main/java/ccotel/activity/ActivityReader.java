package ccotel.activity;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.usage.UserIdentity;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

/** Port: reads what {@link ActivityRecorder} keeps, without reading any usage. */
public interface ActivityReader extends LastExportReader {

  /** Nothing was ever received. */
  ActivityReader NONE =
      new ActivityReader() {
        @Override
        public Optional<Instant> lastExportAt(String connectionId) {
          return Optional.empty();
        }

        @Override
        public long exportsReceivedSince(String connectionId, Instant fromHour) {
          return 0;
        }

        @Override
        public Map<UserIdentity, LocalDate> lastActiveDays(String connectionId) {
          return Map.of();
        }
      };

  /** Exports received from the start of {@code fromHour} on. */
  long exportsReceivedSince(String connectionId, Instant fromHour)
      throws UsageStoreUnavailableException;

  /** Every user of the connection that was ever active, with the last day they were. */
  Map<UserIdentity, LocalDate> lastActiveDays(String connectionId)
      throws UsageStoreUnavailableException;
}
