package ccotel.activity;

import ccotel.testing.InMemoryActivity;

class InMemoryActivityTest extends ActivityStoreContract {

  private final InMemoryActivity store = new InMemoryActivity();

  @Override
  protected ActivityRecorder recorder() {
    return store;
  }

  @Override
  protected ActivityReader reader() {
    return store;
  }
}
