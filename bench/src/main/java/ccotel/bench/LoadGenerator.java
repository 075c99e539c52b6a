package ccotel.bench;

import java.nio.file.Path;

final class LoadGenerator {

  private LoadGenerator() {}

  static void run(String[] args, Path results) throws Exception {
    throw new UnsupportedOperationException("not yet");
  }
}
