package ccotel.bench;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/** Runs the JMH benchmarks, writes bench/results/jmh.json and prints the ratios the goals use. */
final class JmhRun {

  private JmhRun() {}

  static void run(String[] args, Path results) throws Exception {
    BenchFixtures.locate();
    Path file = results.resolve("jmh.json");
    CommandLineOptions given = new CommandLineOptions(args);
    OptionsBuilder options = new OptionsBuilder();
    options.parent(given);
    if (given.getIncludes().isEmpty()) {
      options.include("ccotel\\.bench\\..*Benchmark");
    }
    options
        .resultFormat(ResultFormatType.JSON)
        .result(file.toString())
        .jvmArgsAppend("-Dccotel.fixtures=" + System.getProperty("ccotel.fixtures"));
    Collection<RunResult> runs = new Runner(options.build()).run();

    Map<String, Double> throughput = new HashMap<>();
    System.out.println();
    for (RunResult run : runs) {
      String name = run.getParams().getBenchmark().replaceAll(".*\\.", "");
      String signal = run.getParams().getParam("signal");
      String request = run.getParams().getParam("request");
      if (signal != null) {
        throughput.put(name + "/" + signal, run.getPrimaryResult().getScore());
      } else if (request != null) {
        var statistics = run.getPrimaryResult().getStatistics();
        System.out.printf(
            "ingest handler, warm, %-28s p50 %7.1f µs   p99 %7.1f µs%n",
            request, statistics.getPercentile(50), statistics.getPercentile(99));
      }
    }
    for (String signal : new String[] {"metrics", "logs"}) {
      Double ours = throughput.get("ccotelProtobuf/" + signal);
      Double ceiling = throughput.get("parseFromBaseline/" + signal);
      Double json = throughput.get("ccotelJson/" + signal);
      Double naive = throughput.get("jsonFormatBaseline/" + signal);
      if (ours != null && ceiling != null) {
        System.out.printf(
            "%-7s protobuf: ccotel %,.0f req/s = %.0f %% of bare parseFrom (%,.0f/s); goal >= 70 %%%n",
            signal, ours, 100 * ours / ceiling, ceiling);
      }
      if (json != null && naive != null) {
        System.out.printf(
            "%-7s json:     ccotel %,.0f req/s = %.1f x JsonFormat (%,.0f/s); goal >= 3 x%n",
            signal, json, json / naive, naive);
      }
    }
    System.out.println("results: " + file);
    if (given.getIncludes().isEmpty()) {
      System.out.println();
      DecodeRatios.run(new String[0], results);
    }
  }
}
