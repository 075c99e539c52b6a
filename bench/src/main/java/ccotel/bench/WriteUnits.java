package ccotel.bench;

import java.nio.file.Path;

final class WriteUnits {

  private WriteUnits() {}

  static void run(String[] args, Path results) throws Exception {
    throw new UnsupportedOperationException("not yet");
  }
}
