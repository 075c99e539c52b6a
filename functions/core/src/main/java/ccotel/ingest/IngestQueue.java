package ccotel.ingest;

/** Port: the durable queue between ingest and the aggregator. */
public interface IngestQueue {

  /** Returns only once the export is durably queued. */
  void enqueue(QueuedExport export) throws QueueUnavailableException;
}
