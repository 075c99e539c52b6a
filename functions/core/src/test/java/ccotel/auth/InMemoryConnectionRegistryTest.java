package ccotel.auth;

class InMemoryConnectionRegistryTest extends ConnectionRegistryContract {

  @Override
  @SuppressWarnings("unchecked")
  protected InMemoryConnectionRegistry newRegistry() {
    return new InMemoryConnectionRegistry(clock);
  }
}
