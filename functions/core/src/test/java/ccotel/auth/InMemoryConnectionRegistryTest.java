package ccotel.auth;

import java.util.Optional;

class InMemoryConnectionRegistryTest extends ConnectionRegistryContract {

  private InMemoryConnectionRegistry registry;

  @Override
  @SuppressWarnings("unchecked")
  protected InMemoryConnectionRegistry newRegistry() {
    registry = new InMemoryConnectionRegistry(clock);
    return registry;
  }

  @Override
  protected void putTokenAsBeforeViews(TokenHash hash, String connectionId, TokenScope scope) {
    registry.addToken(
        new StoredToken(hash, connectionId, scope, clock.instant(), Optional.empty()));
  }

  @Override
  protected void removePseudonymKey(String connectionId) {
    registry.forgetPseudonymKey(connectionId);
  }
}
