package ccotel.lambda;

import ccotel.auth.Connection;
import ccotel.auth.StoredToken;
import ccotel.auth.TokenHash;
import ccotel.auth.TokenScope;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The connection and tokens the sample events in events/ use. */
final class SampleConnection {

  static final String ID = "conn_sample";
  static final String INGEST_TOKEN = "ccotel_ingest_EXAMPLE";
  static final String READ_TOKEN = "ccotel_read_EXAMPLE";

  private SampleConnection() {}

  static void register(AwsTestStack stack) {
    Instant now = Instant.now();
    stack
        .components
        .connectionRegistry()
        .create(
            new Connection(ID, "sample", now),
            List.of(
                new StoredToken(
                    TokenHash.of(INGEST_TOKEN), ID, TokenScope.INGEST, now, Optional.empty()),
                new StoredToken(
                    TokenHash.of(READ_TOKEN), ID, TokenScope.READ, now, Optional.empty())));
  }
}
