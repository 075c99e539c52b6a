package ccotel.summary;

import java.time.Instant;
import java.util.Optional;

/** Port: when the newest export a connection sent was received (CONTRACT §5 extension). */
public interface LastExportReader {

  LastExportReader NONE = connectionId -> Optional.empty();

  /** Empty when nothing was ever counted for the connection. */
  Optional<Instant> lastExportAt(String connectionId);
}
