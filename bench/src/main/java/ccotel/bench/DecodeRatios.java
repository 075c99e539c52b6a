package ccotel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The decode goals as paired ratios: in one JVM, ours and its baseline run in alternating short
 * slices, and each round's ratio compares two slices taken a moment apart. On a VM whose speed
 * drifts by tens of percent over minutes, JMH's separate forks measure the two sides at different
 * times; pairs cancel the drift, and the median of many pairs is what the goals are judged by. Runs
 * the very methods {@link DecodeBenchmark} measures.
 */
final class DecodeRatios {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private DecodeRatios() {}

  private interface Op {
    Object run() throws Exception;
  }

  /** A goal of the issue: ours over its baseline, for one signal and encoding. */
  private record Goal(String signal, String encoding, double ratio) {}

  private static final List<Goal> GOALS =
      List.of(
          new Goal("metrics", "protobuf", 0.60),
          new Goal("metrics", "json", 2.5),
          new Goal("logs", "protobuf", 0.60),
          new Goal("logs", "json", 2.5));

  private record Pair(Op ours, Op baseline) {}

  /** One slice: requests per second of process CPU time (garbage collection included) and wall. */
  private record Rate(double perCpuSecond, double perWallSecond) {}

  static void run(String[] args, Path results) throws Exception {
    BenchFixtures.locate();
    int forks = 3;
    int rounds = 20;
    long sliceMs = 250;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--forks" -> forks = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--slice-ms" -> sliceMs = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        "paired decode ratios: %d JVMs x %d rounds of %d ms slices, after warming up%n",
        forks, rounds, sliceMs);
    // Separate JVMs as JMH forks are: one JVM's JIT may compile a path better than the next's.
    List<List<Ratios>> byFork = new ArrayList<>();
    String java = ProcessHandle.current().info().command().orElse("java");
    for (int fork = 0; fork < forks; fork++) {
      Process process =
          new ProcessBuilder(
                  java,
                  "-Dccotel.fixtures=" + System.getProperty("ccotel.fixtures"),
                  "-cp",
                  System.getProperty("java.class.path"),
                  DecodeRatios.class.getName(),
                  Integer.toString(rounds),
                  Long.toString(sliceMs))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("decode ratio fork failed:\n" + output);
      }
      byFork.add(List.of(JSON.readValue(output, Ratios[].class)));
    }

    ObjectNode report = JSON.createObjectNode();
    report.put("forks", forks).put("roundsPerFork", rounds).put("sliceMs", sliceMs);
    for (int p = 0; p < GOALS.size(); p++) {
      Goal goal = GOALS.get(p);
      List<Double> cpu = new ArrayList<>();
      List<Double> wall = new ArrayList<>();
      List<Double> ours = new ArrayList<>();
      List<Double> baseline = new ArrayList<>();
      ArrayNode forkMedians = JSON.createArrayNode();
      for (List<Ratios> fork : byFork) {
        Ratios ratios = fork.get(p);
        ratios.cpu().forEach(cpu::add);
        ratios.wall().forEach(wall::add);
        ratios.ours().forEach(ours::add);
        ratios.baseline().forEach(baseline::add);
        forkMedians.add(percentile(ratios.cpu(), 50));
      }
      boolean protobuf = goal.encoding().equals("protobuf");
      ObjectNode node =
          report
              .putObject(goal.signal() + "/" + goal.encoding())
              .put("goal", goal.ratio())
              .put("cpuRatioMedian", percentile(cpu, 50))
              .put("cpuRatioP10", percentile(cpu, 10))
              .put("cpuRatioP90", percentile(cpu, 90))
              .put("wallRatioMedian", percentile(wall, 50))
              .put("oursPerSecondMedian", percentile(ours, 50))
              .put("baselinePerSecondMedian", percentile(baseline, 50));
      node.set("cpuRatioMedianPerFork", forkMedians);
      System.out.printf(
          "%-7s %-9s ccotel = %s %s (pairs' 10th-90th percentile %s-%s; by wall time %s);"
              + " goal >= %s%n",
          goal.signal(),
          protobuf ? "protobuf:" : "json:",
          format(percentile(cpu, 50), protobuf),
          protobuf ? "of bare parseFrom" : "JsonFormat",
          format(percentile(cpu, 10), protobuf),
          format(percentile(cpu, 90), protobuf),
          format(percentile(wall, 50), protobuf),
          format(goal.ratio(), protobuf));
    }
    Path file = results.resolve("decode-ratios.json");
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    System.out.println("results: " + file);
  }

  /** Each pair's ratios of one JVM, round by round, and the rates they came from. */
  record Ratios(List<Double> cpu, List<Double> wall, List<Double> ours, List<Double> baseline) {}

  /** One fork: {@code <rounds> <slice ms>}; prints its {@link Ratios} as JSON. */
  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    long sliceNanos = Long.parseLong(args[1]) * 1_000_000L;
    List<Pair> pairs = pairs();
    Blackhole blackhole =
        new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is"
                + " dangerous.");
    for (int warm = 0; warm < 5; warm++) {
      for (Pair pair : pairs) {
        measure(pair.ours(), 1_000_000_000L, blackhole);
        measure(pair.baseline(), 1_000_000_000L, blackhole);
      }
    }
    List<Ratios> all = new ArrayList<>();
    for (int p = 0; p < pairs.size(); p++) {
      all.add(
          new Ratios(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
    }
    for (int round = 0; round < rounds; round++) {
      for (int p = 0; p < pairs.size(); p++) {
        Pair pair = pairs.get(p);
        // Alternate which side goes first, so neither always follows the other's garbage.
        Rate ours;
        Rate baseline;
        if (round % 2 == 0) {
          ours = measure(pair.ours(), sliceNanos, blackhole);
          baseline = measure(pair.baseline(), sliceNanos, blackhole);
        } else {
          baseline = measure(pair.baseline(), sliceNanos, blackhole);
          ours = measure(pair.ours(), sliceNanos, blackhole);
        }
        Ratios ratios = all.get(p);
        ratios.cpu().add(ours.perCpuSecond() / baseline.perCpuSecond());
        ratios.wall().add(ours.perWallSecond() / baseline.perWallSecond());
        ratios.ours().add(ours.perWallSecond());
        ratios.baseline().add(baseline.perWallSecond());
      }
    }
    System.out.println(JSON.writeValueAsString(all));
  }

  /** The benchmark methods of each goal, in the order of {@link #GOALS}. */
  private static List<Pair> pairs() {
    List<Pair> pairs = new ArrayList<>();
    for (Goal goal : GOALS) {
      DecodeBenchmark benchmark = new DecodeBenchmark();
      benchmark.signal = goal.signal();
      benchmark.load();
      pairs.add(
          goal.encoding().equals("protobuf")
              ? new Pair(benchmark::ccotelProtobuf, benchmark::parseFromBaseline)
              : new Pair(benchmark::ccotelJson, benchmark::jsonFormatBaseline));
    }
    return pairs;
  }

  private static Rate measure(Op op, long sliceNanos, Blackhole blackhole) throws Exception {
    long cpuStart = OS.getProcessCpuTime();
    long wallStart = System.nanoTime();
    long count = 0;
    long wall;
    do {
      for (int i = 0; i < 32; i++) {
        blackhole.consume(op.run());
      }
      count += 32;
      wall = System.nanoTime() - wallStart;
    } while (wall < sliceNanos);
    long cpu = OS.getProcessCpuTime() - cpuStart;
    return new Rate(count * 1e9 / cpu, count * 1e9 / wall);
  }

  private static double percentile(List<Double> values, int percent) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.round((sorted.size() - 1) * percent / 100.0f));
  }

  private static String format(double ratio, boolean asPercent) {
    return asPercent ? String.format("%.0f %%", 100 * ratio) : String.format("%.2f x", ratio);
  }
}
