package ccotel.activity;

import ccotel.aggregate.UsageStoreUnavailableException;
import java.time.Instant;
import java.util.Optional;

/** Port: when the newest export a connection sent was received. */
public interface LastExportReader {

  LastExportReader NONE = connectionId -> Optional.empty();

  /** Empty when nothing was ever counted for the connection. */
  Optional<Instant> lastExportAt(String connectionId) throws UsageStoreUnavailableException;
}
