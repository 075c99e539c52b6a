package ccotel.views;

import ccotel.auth.ReadView;
import ccotel.auth.TokenStoreUnavailableException;
import java.util.Optional;

/** How each read view shows actors, and what it refuses, for every read endpoint alike. */
public final class ReadViews {

  /** The refusal of a pseudonymous read of a connection without a key (none is made on reads). */
  public static final String NO_PSEUDONYM_KEY =
      "this connection has no pseudonym key yet; run ./ccotel connection add-read-token"
          + " --connection ID --view pseudonymous, which creates it";

  /** The refusal of per-user records to an aggregate token. */
  public static final String AGGREGATE_HAS_NO_RECORDS =
      "this read token has the aggregate view: it sees no per-user records; use the summary at"
          + " /api/usage/claude_code/summary";

  private final PseudonymKeys keys;

  public ReadViews(PseudonymKeys keys) {
    this.keys = keys;
  }

  /**
   * How {@code view} shows actors of {@code connectionId}: as they are (the aggregate view shows
   * none, so it needs no pseudonyms), or as the connection's pseudonyms; empty if the connection
   * has no pseudonym key.
   */
  public Optional<ActorDisplay> display(ReadView view, String connectionId)
      throws TokenStoreUnavailableException {
    if (view != ReadView.PSEUDONYMOUS) {
      return Optional.of(ActorDisplay.FULL);
    }
    return keys.keyOf(connectionId).map(key -> ActorDisplay.pseudonymous(new Pseudonyms(key)));
  }
}
