package ccotel.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: where connections and their token hashes are kept, for administration. */
public interface ConnectionRegistry {

  void create(Connection connection, List<StoredToken> tokens);

  Optional<Connection> find(String connectionId);

  List<Connection> list();

  List<StoredToken> tokensOf(String connectionId);

  void addToken(StoredToken token);

  /** Sets when the token stops working, unless it already stops earlier. */
  void expireToken(TokenHash hash, Instant at);
}
