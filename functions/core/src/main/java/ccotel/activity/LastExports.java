package ccotel.activity;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.ingest.QueuedExport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps "the last export received" of each connection from what the aggregator counted: one write
 * per connection per batch (its newest {@code receivedAt}), not one per export, and none on the
 * ingest path. It is not part of counting: usage is exact whether or not this write succeeds, and
 * the next batch of the connection moves the time on.
 */
public final class LastExports {

  private final LastExportRecorder recorder;

  public LastExports(LastExportRecorder recorder) {
    this.recorder = recorder;
  }

  /**
   * Records the newest receipt time of each connection among {@code counted} (exports the
   * aggregator counted or found counted already).
   */
  public void counted(List<QueuedExport> counted) throws UsageStoreUnavailableException {
    for (Map.Entry<String, Instant> newest : newestByConnection(counted).entrySet()) {
      recorder.exportReceived(newest.getKey(), newest.getValue());
    }
  }

  static Map<String, Instant> newestByConnection(List<QueuedExport> exports) {
    Map<String, Instant> newest = new TreeMap<>();
    for (QueuedExport export : exports) {
      newest.merge(export.connectionId(), export.receivedAt(), (a, b) -> a.isAfter(b) ? a : b);
    }
    return newest;
  }
}
