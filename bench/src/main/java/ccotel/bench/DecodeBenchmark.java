package ccotel.bench;

import ccotel.otlp.OtlpDecoder;
import ccotel.otlp.OtlpEncoding;
import ccotel.otlp.OtlpSignal;
import ccotel.usage.ClaudeCodeUsageMapper;
import ccotel.usage.UsageObservations;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Requests per second, on one thread, for a captured Claude Code export: our decode + usage mapping
 * (protobuf and JSON) against bare protobuf-java {@code parseFrom} (the ceiling: no mapping at all)
 * and protobuf-java's {@code JsonFormat} (the naive JSON path, no mapping).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Five warm-up iterations: with three, the JSON paths were still speeding up while measured.
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class DecodeBenchmark {

  /** The largest metrics and logs exports of the captured session. */
  @Param({"metrics", "logs"})
  public String signal;

  private OtlpSignal otlpSignal;
  private byte[] protobuf;
  private byte[] json;
  private String jsonText;
  private Message decoded;
  private final Instant receivedAt = Instant.parse("2026-11-25T00:00:00Z");
  private final JsonFormat.Parser jsonFormat = JsonFormat.parser().ignoringUnknownFields();

  @Setup
  public void load() {
    boolean metrics = signal.equals("metrics");
    otlpSignal = metrics ? OtlpSignal.METRICS : OtlpSignal.LOGS;
    protobuf =
        BenchFixtures.request("protobuf-delta", metrics ? "0003-metrics" : "0008-logs").body();
    json = BenchFixtures.request("json-delta", metrics ? "0003-metrics" : "0008-logs").body();
    jsonText = new String(json, StandardCharsets.UTF_8);
    try {
      decoded = OtlpDecoder.decode(otlpSignal, OtlpEncoding.PROTOBUF, protobuf);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Benchmark
  public Message parseFromBaseline() throws InvalidProtocolBufferException {
    return otlpSignal == OtlpSignal.METRICS
        ? ExportMetricsServiceRequest.parseFrom(protobuf)
        : ExportLogsServiceRequest.parseFrom(protobuf);
  }

  @Benchmark
  public UsageObservations ccotelProtobuf() throws Exception {
    return map(OtlpDecoder.decode(otlpSignal, OtlpEncoding.PROTOBUF, protobuf));
  }

  /** Our protobuf decode alone (the wrong-signal check included), to split the cost. */
  @Benchmark
  public Message ccotelProtobufDecodeOnly() throws Exception {
    return OtlpDecoder.decode(otlpSignal, OtlpEncoding.PROTOBUF, protobuf);
  }

  /** The usage mapping alone, on an already decoded request. */
  @Benchmark
  public UsageObservations ccotelMapOnly() {
    return map(decoded);
  }

  /** Our JSON decode alone. */
  @Benchmark
  public Message ccotelJsonDecodeOnly() throws Exception {
    return OtlpDecoder.decode(otlpSignal, OtlpEncoding.JSON, json);
  }

  @Benchmark
  public UsageObservations ccotelJson() throws Exception {
    return map(OtlpDecoder.decode(otlpSignal, OtlpEncoding.JSON, json));
  }

  @Benchmark
  public Message jsonFormatBaseline() throws InvalidProtocolBufferException {
    Message.Builder builder =
        otlpSignal == OtlpSignal.METRICS
            ? ExportMetricsServiceRequest.newBuilder()
            : ExportLogsServiceRequest.newBuilder();
    jsonFormat.merge(jsonText, builder);
    return builder.build();
  }

  private UsageObservations map(Message request) {
    return request instanceof ExportMetricsServiceRequest metrics
        ? ClaudeCodeUsageMapper.map(metrics, receivedAt)
        : ClaudeCodeUsageMapper.map((ExportLogsServiceRequest) request, receivedAt);
  }
}
