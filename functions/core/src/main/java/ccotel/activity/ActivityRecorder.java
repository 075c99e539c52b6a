package ccotel.activity;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.usage.UserIdentity;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/** Port: keeps what the status endpoint reads, from what the aggregator counted. */
public interface ActivityRecorder extends LastExportRecorder {

  ActivityRecorder NONE =
      new ActivityRecorder() {
        @Override
        public void exportReceived(String connectionId, Instant receivedAt) {}

        @Override
        public void exportsCounted(String connectionId, Map<Instant, Integer> perHour) {}

        @Override
        public void usersActive(String connectionId, Map<UserIdentity, LocalDate> lastDays) {}
      };

  /** Adds to the connection's exports received in each hour (keyed by the hour's start). */
  void exportsCounted(String connectionId, Map<Instant, Integer> perHour)
      throws UsageStoreUnavailableException;

  /** Moves each user's last active day forward to the day given, never back. */
  void usersActive(String connectionId, Map<UserIdentity, LocalDate> lastDays)
      throws UsageStoreUnavailableException;
}
