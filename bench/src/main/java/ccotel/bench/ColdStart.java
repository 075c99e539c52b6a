package ccotel.bench;

import java.nio.file.Path;

final class ColdStart {

  private ColdStart() {}

  static void run(String[] args, Path results) throws Exception {
    throw new UnsupportedOperationException("not yet");
  }
}
