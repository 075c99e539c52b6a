package ccotel.budget;

import java.time.Duration;

/** Port: hands an alert to its sender, after {@code delay} (retries back off through it). */
public interface AlertQueue {

  void enqueue(AlertKey key, Duration delay);
}
