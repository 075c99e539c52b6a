package ccotel.lambda;

import ccotel.auth.Connection;
import ccotel.auth.StoredToken;
import ccotel.auth.TokenHash;
import ccotel.auth.TokenScope;
import ccotel.ingest.QueuedExport;
import ccotel.otlp.OtlpSignal;
import ccotel.sqs.SqsExportMessages;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The connection and tokens the sample events in events/ use. */
final class SampleConnection {

  static final String ID = "conn_sample";
  static final String INGEST_TOKEN = "ccotel_ingest_EXAMPLE";
  static final String READ_TOKEN = "ccotel_read_EXAMPLE";

  private SampleConnection() {}

  static void register(AwsTestStack stack) {
    Instant now = Instant.now();
    stack
        .components
        .connectionRegistry()
        .create(
            new Connection(ID, "sample", now),
            List.of(
                new StoredToken(
                    TokenHash.of(INGEST_TOKEN), ID, TokenScope.INGEST, now, Optional.empty()),
                new StoredToken(
                    TokenHash.of(READ_TOKEN), ID, TokenScope.READ, now, Optional.empty())));
  }

  /** An SQS message of the sample connection as ingest queues it: a metrics export. */
  static SQSEvent.SQSMessage message(String id, byte[] protobuf) {
    QueuedExport export =
        new QueuedExport(
            SampleConnection.ID,
            OtlpSignal.METRICS,
            id,
            Instant.parse("2026-11-24T14:00:00Z"),
            protobuf);
    SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
    message.setMessageId(id);
    message.setBody(SqsExportMessages.body(export));
    Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
    SqsExportMessages.attributes(export)
        .forEach(
            (name, value) -> {
              SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
              attribute.setDataType("String");
              attribute.setStringValue(value);
              attributes.put(name, attribute);
            });
    message.setMessageAttributes(attributes);
    return message;
  }
}
