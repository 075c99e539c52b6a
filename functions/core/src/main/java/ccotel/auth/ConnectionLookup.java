package ccotel.auth;

import java.util.Optional;

/** Port: finds what an active (not revoked, not expired) token grants, by the token's hash. */
public interface ConnectionLookup {

  Optional<TokenGrant> find(TokenHash hash) throws TokenStoreUnavailableException;
}
