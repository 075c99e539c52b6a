package ccotel.activity;

import ccotel.aggregate.UsageStoreUnavailableException;
import java.time.Instant;

/** Port: keeps each connection's newest export time, which only ever moves forward. */
public interface LastExportRecorder {

  LastExportRecorder NONE = (connectionId, receivedAt) -> {};

  /** Sets the connection's last export time to {@code receivedAt} unless it is later already. */
  void exportReceived(String connectionId, Instant receivedAt)
      throws UsageStoreUnavailableException;
}
