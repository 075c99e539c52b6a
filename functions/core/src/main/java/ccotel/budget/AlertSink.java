package ccotel.budget;

/** Port: where every alert goes besides the webhook: the alarm topic, or locally alerts.jsonl. */
public interface AlertSink {

  void publish(Alert alert) throws Exception;
}
