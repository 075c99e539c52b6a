package ccotel.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: where connections and their token hashes are kept, for administration. */
public interface ConnectionRegistry {

  /** Stores a new connection with its pseudonym key and first tokens, all or nothing. */
  void create(Connection connection, PseudonymKey pseudonymKey, List<StoredToken> tokens);

  /** A connection with a fresh pseudonym key. */
  default void create(Connection connection, List<StoredToken> tokens) {
    create(connection, PseudonymKey.generate(), tokens);
  }

  Optional<Connection> find(String connectionId);

  List<Connection> list();

  List<StoredToken> tokensOf(String connectionId);

  void addToken(StoredToken token);

  /** Sets when the token stops working, unless it already stops earlier. */
  void expireToken(TokenHash hash, Instant at);

  /** The connection's pseudonym key; empty for connections created before keys existed. */
  Optional<PseudonymKey> pseudonymKey(String connectionId);

  /**
   * Gives an existing connection {@code key} unless it already has one (a conditional write, so two
   * admins at once cannot leave pseudonyms under two keys). Returns whether {@code key} was stored.
   */
  boolean addPseudonymKeyIfAbsent(String connectionId, PseudonymKey key);
}
