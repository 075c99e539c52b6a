package ccotel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ccotel.otlp.OtlpSignal;
import ccotel.testing.QueuedExports;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The write bench's model of the event source: how it cuts batches and what it asks SQS. */
class WriteUnitsTest {

  @Test
  void batchesCloseWhenFull_orWhenTheirWindowHasPassed_andRequestsAreCounted() {
    List<WriteUnits.Arrival> stream = new ArrayList<>();
    for (long at : new long[] {0, 1_000, 2_000, 3_000, 30_000}) {
      stream.add(
          new WriteUnits.Arrival(
              at,
              QueuedExports.of(
                  "conn",
                  OtlpSignal.LOGS,
                  ("export at " + at).getBytes(StandardCharsets.UTF_8),
                  Instant.ofEpochMilli(at)),
              0));
    }
    List<List<WriteUnits.Arrival>> batches = new ArrayList<>();

    WriteUnits.SqsRequests requests = WriteUnits.SqsRequests.of(stream, 1, 3, 10, batches);

    // Full at three; the fourth alone until its 10 s passed; the fifth alone.
    assertEquals(List.of(3, 1, 1), batches.stream().map(List::size).toList());
    assertEquals(5, requests.sends());
    // One receive per message (each arrives after the previous receive was answered), and one
    // 20 s long poll that found nothing in the 27 s gap.
    assertEquals(6, requests.receives());
    assertEquals(1, requests.emptyReceives());
    assertEquals(3, requests.deletes(), "one batched delete per batch of up to 10");
  }

  @Test
  void pollersShareTheMessages_eachCuttingItsOwnBatches() {
    List<WriteUnits.Arrival> stream = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      stream.add(
          new WriteUnits.Arrival(
              i,
              QueuedExports.of(
                  "conn",
                  OtlpSignal.LOGS,
                  ("export " + i).getBytes(StandardCharsets.UTF_8),
                  Instant.ofEpochMilli(i)),
              0));
    }
    List<List<WriteUnits.Arrival>> batches = new ArrayList<>();

    WriteUnits.SqsRequests.of(stream, 5, 1_000, 300, batches);

    assertEquals(5, batches.size(), "one batch per poller: none full, all within the window");
    assertEquals(100, batches.stream().mapToInt(List::size).sum());
    for (List<WriteUnits.Arrival> batch : batches) {
      assertEquals(1, batch.stream().map(WriteUnits.Arrival::poller).distinct().count());
    }
  }
}
