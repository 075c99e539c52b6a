package ccotel.views;

import ccotel.auth.TokenStoreUnavailableException;
import java.util.Optional;

/**
 * Port: each connection's secret pseudonym key (created with the connection or its first
 * pseudonymous read token; the read path never creates one).
 */
@FunctionalInterface
public interface PseudonymKeys {

  /** No connection has a key: pseudonymous reads are refused. */
  PseudonymKeys NONE = connectionId -> Optional.empty();

  /** The key of {@code connectionId}, if it has one. Never log it. */
  Optional<byte[]> keyOf(String connectionId) throws TokenStoreUnavailableException;
}
