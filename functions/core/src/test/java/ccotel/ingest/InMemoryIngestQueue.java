package ccotel.ingest;

import java.util.ArrayList;
import java.util.List;

/** A queue in memory that can be told to be down, for outage tests. */
public final class InMemoryIngestQueue implements IngestQueue {

  private final List<QueuedExport> queued = new ArrayList<>();
  private boolean down;

  @Override
  public synchronized void enqueue(QueuedExport export) throws QueueUnavailableException {
    if (down) {
      throw new QueueUnavailableException("queue is down (test)", null);
    }
    queued.add(export);
  }

  public synchronized void setDown(boolean down) {
    this.down = down;
  }

  /** Everything queued so far, oldest first; the queue is then empty. */
  public synchronized List<QueuedExport> drain() {
    List<QueuedExport> drained = new ArrayList<>(queued);
    queued.clear();
    return drained;
  }

  public synchronized int size() {
    return queued.size();
  }
}
