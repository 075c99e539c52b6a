package ccotel.local;

import ccotel.testing.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code ccotel local} in a JVM of its own, as a user runs it, on a free port. */
final class LocalRunnerProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final Path dataDir;
  private final int port;

  private LocalRunnerProcess(Process process, Path dataDir, int port) {
    this.process = process;
    this.dataDir = dataDir;
    this.port = port;
  }

  static LocalRunnerProcess start(Path dataDir, Path log) throws Exception {
    return start(dataDir, log, java.util.Map.of());
  }

  static LocalRunnerProcess start(Path dataDir, Path log, java.util.Map<String, String> env)
      throws Exception {
    Files.deleteIfExists(dataDir.resolve(RuntimeFile.FILE_NAME));
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(runtimeClasspath());
    command.add(CcotelCli.class.getName());
    command.addAll(List.of("local", "--port", "0", "--data", dataDir.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    // Token changes must show at once in these tests (the default cache keeps lookups 30 s).
    builder.environment().put("AUTH_CACHE_SECONDS", "0");
    builder.environment().putAll(env);
    Process process =
        builder
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    Path runtime = dataDir.resolve(RuntimeFile.FILE_NAME);
    HttpClient http = HttpClient.newHttpClient();
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "ccotel local exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      if (Files.exists(runtime)) {
        int port = RuntimeFile.read(runtime).port();
        try {
          HttpResponse<String> health =
              http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (health.statusCode() == 200) {
            return new LocalRunnerProcess(process, dataDir, port);
          }
        } catch (IOException e) {
          // not listening yet
        }
      }
      Thread.sleep(200);
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "ccotel local did not become healthy:\n" + Files.readString(log));
  }

  /**
   * The classpath {@code ./ccotel} runs with (the packaged jar and its runtime dependencies), so
   * that a dependency missing at run time fails here; the test classpath only from an IDE.
   */
  private static String runtimeClasspath() {
    Path target = Paths.get("target").toAbsolutePath();
    Path jar = target.resolve("ccotel-local.jar");
    if (Files.exists(jar) && Files.isDirectory(target.resolve("lib"))) {
      return jar + java.io.File.pathSeparator + target.resolve("lib") + "/*";
    }
    return System.getProperty("java.class.path");
  }

  int port() {
    return port;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** A captured Claude Code request, as it was sent, to this runner with {@code token}. */
  HttpRequest export(Fixtures.CapturedRequest request, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl() + request.path()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request
        .headersWithToken(token)
        .forEach(
            (name, value) -> {
              if (!name.equals("content-length") && !name.equals("host")) {
                builder.header(name, value);
              }
            });
    return builder.build();
  }

  Path dataDir() {
    return dataDir;
  }

  /** Runs an admin command as ./ccotel would, against {@code dataDir}; returns what it printed. */
  static String cli(Path dataDir, String... args) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    List<String> withData = new ArrayList<>(List.of(args));
    withData.addAll(List.of("--data", dataDir.toString()));
    int status =
        new CcotelCli(
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                java.util.Map.of())
            .run(withData.toArray(new String[0]));
    if (status != 0) {
      throw new IllegalStateException(
          String.join(" ", args) + " exited with " + status + ": " + out);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** SIGTERM, as Ctrl-C or a service manager would stop it; returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or drained. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
