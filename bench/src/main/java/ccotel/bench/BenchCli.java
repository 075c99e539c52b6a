package ccotel.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ./ccotel bench jmh|decode|coldstart|writes|load|query}: the measurements README publishes.
 */
public final class BenchCli {

  private BenchCli() {}

  static final String USAGE =
      """
      usage:
        ccotel bench jmh [JMH options]          decode/mapping throughput ratios, ingest p50/p99
        ccotel bench decode [--forks F] [--rounds N] [--slice-ms S]
                                                the decode goals as paired ratios (runs after jmh too)
        ccotel bench coldstart [--runs N]       JVM start to first handled request, per handler
        ccotel bench writes [--users N] [--minutes M] [--metrics-interval 60] [--logs-interval 5]
                           [--batch B] [--window 20] [--pollers 1] [--scenario S] [--day-changes false]
                           [--per-export false]
                                                DynamoDB write/read units, SQS requests per 1,000 exports
        ccotel bench keys [--exports 20000] [--batch 100] [--sizes 1000:1,1000:8,10000:8,100000:64,1000000:512]
                          [--per-developer 0.22]
                                                write units/s per table and per partition key, one connection
                                                of N developers over S shards (units measured, rate scaled)
        ccotel bench load --clients N --minutes M [--data DIR | --endpoint URL --token T --read-token R]
        ccotel bench query [--users 1000] [--days 90] [--runs 10] [--threads 1,2,8] [--paged false] [--data DIR]
                           [--load batch|plain] [--page false]
                                                reading and summing a range (summary cold and warm):
                                                latency p50/p99, read units; the dashboard's time to usable
      Results are written as JSON under bench/results/.""";

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.out.println(USAGE);
      return;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    Path results = resultsDir();
    switch (args[0]) {
      case "jmh" -> JmhRun.run(rest, results);
      case "decode" -> DecodeRatios.run(rest, results);
      case "coldstart" -> ColdStart.run(rest, results);
      case "writes" -> WriteUnits.run(rest, results);
      case "load" -> LoadGenerator.run(rest, results);
      case "keys" -> KeyLoad.run(rest, results);
      case "query" -> QueryBench.run(rest, results);
      default -> {
        System.err.println("ccotel bench: unknown command '" + args[0] + "'\n" + USAGE);
        System.exit(2);
      }
    }
    // DynamoDB Local leaves a non-daemon job thread behind after close, which would keep the JVM
    // up for minutes.
    System.exit(0);
  }

  /** A command's {@code --name value} pairs, by name without the dashes. */
  static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return options;
  }

  private static Path resultsDir() throws java.io.IOException {
    Path root = Paths.get(System.getProperty("ccotel.root", ".")).toAbsolutePath();
    Path results = root.resolve("bench").resolve("results");
    Files.createDirectories(results);
    return results;
  }
}
