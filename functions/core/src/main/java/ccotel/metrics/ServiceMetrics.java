package ccotel.metrics;

/**
 * Where the handlers report the service's own metrics: one call per answered ingest request and per
 * aggregated batch. Deployed, they become CloudWatch metrics through log lines (no API call on the
 * request path); locally and in tests they may go nowhere.
 */
public interface ServiceMetrics {

  /** Reports nothing. */
  ServiceMetrics NONE =
      new ServiceMetrics() {
        @Override
        public void ingested(int status) {}

        @Override
        public void aggregated(Batch batch) {}
      };

  /** One ingest request was answered with {@code status}. */
  void ingested(int status);

  /** One batch of queued exports was aggregated. */
  void aggregated(Batch batch);

  /**
   * What one aggregator batch did.
   *
   * @param messages messages in the batch
   * @param partsCounted exports (or parts of split exports) counted by this batch
   * @param partsAlreadyCounted exports (or parts) found counted before: redeliveries, retries
   * @param recordsRejected data points and log records refused when counted (reported to the client
   *     in {@code partial_success} at ingest too)
   * @param messageFailures messages reported in {@code batchItemFailures}: SQS retries each, then
   *     moves it to the dead-letter queue
   * @param messagesDeadLettered of those, the ones that failed their last attempt: SQS moves them
   *     to the dead-letter queue instead of handing them out again
   * @param oldestLagMillis now minus the receive time of the batch's oldest readable export, or -1
   *     when the batch had none
   */
  record Batch(
      int messages,
      int partsCounted,
      int partsAlreadyCounted,
      long recordsRejected,
      int messageFailures,
      int messagesDeadLettered,
      long oldestLagMillis) {}
}
