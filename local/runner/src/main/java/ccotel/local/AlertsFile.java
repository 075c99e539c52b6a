package ccotel.local;

import ccotel.budget.Alert;
import ccotel.budget.AlertSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Local mode's alarm topic: {@code DIR/alerts.jsonl}, one CONTRACT §8 line per alert. An alert's
 * line is its (connection, date, user): a line already there is not written again, so a message
 * delivered twice, or re-sent after a crash between the append and the alert's "published" mark,
 * still leaves one line. The data directory is owner-only. One local runner owns the directory;
 * appends are serialised here.
 */
final class AlertsFile implements AlertSink {

  static final String FILE_NAME = "alerts.jsonl";

  private final Path file;

  AlertsFile(Path dataDir) {
    this.file = dataDir.resolve(FILE_NAME);
  }

  @Override
  public synchronized void publish(Alert alert) throws IOException {
    String line = alert.json();
    String identity = identity(line);
    if (Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.stream().anyMatch(existing -> identity(existing).equals(identity))) {
        return;
      }
    }
    Files.writeString(
        file,
        line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }

  /** The line up to its cost: connection, date and user, which name the alert. */
  private static String identity(String line) {
    int cost = line.indexOf(",\"cost_usd\"");
    return cost < 0 ? line : line.substring(0, cost);
  }
}
