package ccotel.local;

import ccotel.auth.ConnectionAdmin;
import ccotel.auth.ReadView;
import ccotel.auth.SecretToken;
import ccotel.auth.TokenScope;
import ccotel.auth.UnknownConnectionException;
import ccotel.dynamodb.DynamoDbActivity;
import ccotel.dynamodb.DynamoDbConnectionRegistry;
import ccotel.dynamodb.DynamoDbRosterStore;
import ccotel.dynamodb.DynamoDbShardLayouts;
import ccotel.dynamodb.UsageShards;
import ccotel.settings.ClaudeCodeSettings;
import ccotel.settings.ExportIntervals;
import ccotel.status.ConnectionStatus;
import ccotel.status.StatusService;
import ccotel.teams.Membership;
import ccotel.teams.Roster;
import ccotel.teams.RosterCsv;
import ccotel.teams.RosterFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code ./ccotel}: runs the local stack and administers connections (CONTRACT §2 and §3). */
public final class CcotelCli {

  static final int DEFAULT_PORT = 4318;
  private static final Set<String> FLAGS =
      Set.of("json", "help", BudgetCommands.ALLOW_HTTP_WEBHOOK, BudgetCommands.ROTATE_SECRET);

  private final PrintStream out;
  private final Map<String, String> env;

  CcotelCli(PrintStream out, Map<String, String> env) {
    this.out = out;
    this.env = env;
  }

  public static void main(String[] args) {
    int status = execute(args, System.out, System.err, System.getenv());
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs a command line as {@code ./ccotel} does; returns its exit status, 0 when it completed. */
  static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    try {
      return new CcotelCli(out, env).run(args);
    } catch (Arguments.UsageException e) {
      err.println("ccotel: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (Exception e) {
      err.println("ccotel: " + describe(e));
      if (isUnforeseen(e)) {
        e.printStackTrace(err); // a defect of ours: what a bug report needs
      }
      return 1;
    }
  }

  /** One line that says what failed, never just "null" or a bare file name. */
  static String describe(Throwable failure) {
    if (failure instanceof FileSystemException e) {
      String problem;
      if (e.getReason() != null) {
        problem = e.getReason();
      } else if (e instanceof NoSuchFileException) {
        problem = "no such file or directory";
      } else if (e instanceof AccessDeniedException) {
        problem = "permission denied";
      } else if (e instanceof FileAlreadyExistsException) {
        problem = "a file is in the way";
      } else if (e instanceof NotDirectoryException) {
        problem = "not a directory";
      } else {
        problem = "cannot use it (" + e.getClass().getSimpleName() + ")";
      }
      return (e.getFile() == null ? "" : e.getFile() + ": ") + problem;
    }
    if (isUnforeseen(failure)) {
      return "unexpected "
          + failure.getClass().getName()
          + (failure.getCause() == null ? "" : ", caused by " + describe(failure.getCause()))
          + "; please report it with the command you ran";
    }
    return failure.getMessage().lines().findFirst().orElse("").strip();
  }

  private static boolean isUnforeseen(Throwable failure) {
    return !(failure instanceof FileSystemException)
        && (failure.getMessage() == null || failure.getMessage().isBlank());
  }

  static final String USAGE =
      """
      usage:
        ccotel local [--port 4318] [--export-interval I] [--data DIR]
        ccotel connection create --name NAME [--shards 1..1024] [--json] [--email E --user-name N] [--merge-into FILE] [--export-interval I] [--data DIR]
        ccotel connection list [--json] [--data DIR]
        ccotel connection set-shards --connection ID --shards 1..1024 [--from YYYY-MM-DD] [--data DIR]
        ccotel connection rotate-token --connection ID [--scope ingest|read] [--view full|pseudonymous|aggregate] [--overlap-seconds 0..2592000] [--export-interval I] [--json] [--data DIR]
        ccotel connection revoke-token --connection ID (--token TOKEN | --scope ingest|read|all | --view full|pseudonymous|aggregate) [--data DIR]
        ccotel connection add-read-token --connection ID --view full|pseudonymous|aggregate [--json] [--data DIR]
        ccotel connection status --connection ID [--json] [--data DIR]
        ccotel user token --connection ID --email E [--name N] [--export-interval I] [--json] [--data DIR]
        ccotel user list --connection ID [--json] [--data DIR]
        ccotel user rotate-token --connection ID --email E [--overlap-seconds 0..2592000] [--export-interval I] [--json] [--data DIR]
        ccotel user revoke-token --connection ID --email E [--data DIR]
        (connection create, list, rotate-token, revoke-token, add-read-token and every user
         command act on a deployed stack with
         --stack NAME [--region R], or --tokens-table T --connections-table C --api-url URL
         [--region R] [--endpoint-url URL]; AWS credentials from the standard chain)
        ccotel connection settings [--ingest-token T] [--endpoint URL] [--email E --user-name N] [--merge-into FILE] [--export-interval I] [--data DIR]
        (I: the settings' export interval, both signals (300s, 5m) or each
         (metrics=300s,logs=60s), from 1s to 1h; default metrics=300s,logs=300s)
        ccotel team import --connection ID --file F [--data DIR]
        ccotel team list --connection ID [--json] [--data DIR]
        (F: CSV with the header email,team[,department[,cost_center]]; an import replaces the
         roster. Deployed: as connection commands, with --state-table T after --tokens-table)
        ccotel budget set --connection ID --daily-cost-usd X [--webhook URL] [--allow-http-webhook] [--rotate-secret] [--data DIR]
        ccotel budget show|clear|alerts --connection ID [--json] [--data DIR]
        (budget acts on a deployed stack as connection does; with --tokens-table add
         --usage-table U)
        ccotel dlq list [--json] [--data DIR]
        ccotel dlq replay [--data DIR]
        (dlq acts on a deployed stack with --stack NAME [--region R], or --queue-url Q
         --dead-letter-queue-url D [--region R] [--endpoint-url URL]; replay there is SQS's
         own redrive, StartMessageMoveTask)
      DIR defaults to ~/.ccotel/local.""";

  int run(String[] args) throws Exception {
    Arguments arguments = new Arguments(args, FLAGS);
    String command = arguments.positional(0);
    if (command.isEmpty() || arguments.flag("help") || command.equals("help")) {
      out.println(USAGE);
      return 0;
    }
    return switch (command) {
      case "local" -> local(arguments);
      case "connection" -> connection(arguments);
      case "team" -> team(arguments);
      case "user" -> user(arguments);
      case "dlq" -> deadLetters(arguments);
      case "budget" -> budget(arguments);
      default -> throw new Arguments.UsageException("unknown command '" + command + "'");
    };
  }

  private Path dataDir(Arguments arguments) {
    return arguments
        .option("data")
        .map(Paths::get)
        .orElse(Paths.get(System.getProperty("user.home"), ".ccotel", "local"))
        .toAbsolutePath();
  }

  private int local(Arguments arguments) throws Exception {
    int port = (int) arguments.number("port", DEFAULT_PORT, 0, 65_535);
    Path dataDir = dataDir(arguments);
    ExportIntervals intervals = exportIntervals(arguments);
    arguments.rejectUnknown();
    Path runtime = dataDir.resolve(RuntimeFile.FILE_NAME);
    if (Files.exists(runtime) && RuntimeFile.read(runtime).isAlive()) {
      throw new IllegalStateException("a local stack already runs on " + dataDir);
    }
    LocalStack stack = LocalStack.start(dataDir, port, env);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println("ccotel: stopping");
                  stack.close();
                  stopped.countDown();
                },
                "ccotel-shutdown"));
    printStarted(stack, intervals);
    stopped.await();
    return 0;
  }

  private void printStarted(LocalStack stack, ExportIntervals intervals) {
    LocalConnectionFile connection = stack.defaultConnection();
    String base = "http://127.0.0.1:" + stack.port();
    out.println("ccotel local is running (Ctrl-C stops it; data in " + stack.dataDir() + ")");
    out.println();
    out.println("  OTLP endpoint  " + connection.endpoint());
    out.println("  health         " + base + "/healthz");
    // The fragment is never sent to the server; the page moves the token to sessionStorage.
    out.println("  dashboard      " + base + "/#token=" + connection.readToken());
    out.println("  connection     " + connection.connectionId());
    out.println("  ingest token   " + connection.ingestToken());
    out.println("  read token     " + connection.readToken());
    out.println("  saved in       " + stack.dataDir().resolve(LocalConnectionFile.FILE_NAME));
    out.println();
    out.println("Point Claude Code at it: merge this into ~/.claude/settings.json, with your");
    out.println(
        "e-mail for "
            + ClaudeCodeSettings.EMAIL_PLACEHOLDER
            + " and your name for "
            + ClaudeCodeSettings.NAME_PLACEHOLDER.replace(" ", "%20")
            + " (spaces as %20):");
    out.println(ClaudeCodeSettings.settingsJson(connection.settingsEnv(intervals)));
    out.println("Read today's usage:");
    out.println(
        "  curl -H 'Authorization: Bearer "
            + connection.readToken()
            + "' '"
            + base
            + "/api/usage/claude_code?starting_at="
            + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
            + "'");
    out.flush();
  }

  private int connection(Arguments arguments) throws Exception {
    String action = arguments.positional(1);
    Path dataDir = dataDir(arguments);
    if (action.equals("settings")) {
      return settings(arguments, dataDir);
    }
    try (AdminTarget target = AdminTarget.resolve(arguments, dataDir, env)) {
      ConnectionAdmin admin = admin(target);
      String endpoint = target.ingestEndpoint();
      return switch (action) {
        case "create" -> create(arguments, admin, target);
        case "set-shards" -> setShards(arguments, admin, target);
        case "list" -> list(arguments, admin);
        case "rotate-token" -> rotate(arguments, admin, endpoint);
        case "revoke-token" -> revoke(arguments, admin);
        case "add-read-token" -> addReadToken(arguments, admin);
        case "status" -> status(arguments, admin, target);
        default ->
            throw new Arguments.UsageException("unknown connection command '" + action + "'");
      };
    }
  }

  /** {@code connection status}: what the status endpoint answers (CONTRACT §8), for a person. */
  private int status(Arguments arguments, ConnectionAdmin admin, AdminTarget target)
      throws Exception {
    String connectionId = arguments.required("connection");
    boolean json = arguments.flag("json");
    arguments.rejectUnknown();
    admin.requireConnection(connectionId);
    Clock clock = Clock.systemUTC();
    ConnectionStatus status =
        ConnectionStatus.read(
            connectionId,
            new DynamoDbActivity(target.dynamoDb(), target.requireUsageTable()),
            new DynamoDbRosterStore(target.dynamoDb(), target.requiredStateTable()),
            clock);
    if (json) {
      out.print(new String(StatusService.json(status), StandardCharsets.UTF_8));
      return 0;
    }
    out.println(
        "last export received  "
            + status
                .lastExportAt()
                .map(
                    at ->
                        at + " (" + Duration.between(at, clock.instant()).toMinutes() + " min ago)")
                .orElse("none yet: is Claude Code sending here?"));
    out.println("exports, last 24 h    " + status.exportsLast24h());
    out.println("active users, 7 days  " + status.activeUsersLast7d());
    out.println(
        "silent roster members "
            + status.silentUsers().size()
            + " (no usage in the last "
            + ConnectionStatus.ACTIVE_DAYS
            + " days)");
    for (ConnectionStatus.SilentUser user : status.silentUsers()) {
      out.printf(
          "  %-40s %-24s %s%n",
          user.email(),
          user.team().orElse("-"),
          user.lastActive().map(day -> "last active " + day).orElse("never active"));
    }
    return 0;
  }

  private static ConnectionAdmin admin(AdminTarget target) {
    return new ConnectionAdmin(
        new DynamoDbConnectionRegistry(
            target.dynamoDb(), target.tokensTable(), target.connectionsTable(), Clock.systemUTC()),
        Clock.systemUTC());
  }

  /** {@code ccotel user ...}: per-user ingest tokens (CONTRACT §7). */
  private int user(Arguments arguments) throws Exception {
    String action = arguments.positional(1);
    Path dataDir = dataDir(arguments);
    try (AdminTarget target = AdminTarget.resolve(arguments, dataDir, env)) {
      UserTokenCommands users = new UserTokenCommands(out, admin(target), target.ingestEndpoint());
      return switch (action) {
        case "token" -> users.issue(arguments);
        case "list" -> users.list(arguments);
        case "rotate-token" -> users.rotate(arguments);
        case "revoke-token" -> users.revoke(arguments);
        default -> throw new Arguments.UsageException("unknown user command '" + action + "'");
      };
    }
  }

  private int addReadToken(Arguments arguments, ConnectionAdmin admin)
      throws UnknownConnectionException {
    String connectionId = arguments.required("connection");
    ReadView view = view(arguments.required("view"));
    boolean json = arguments.flag("json");
    arguments.rejectUnknown();
    SecretToken token = admin.addReadToken(connectionId, view);
    if (json) {
      out.print(
          JsonText.of(
              generator -> {
                generator.writeStartObject();
                generator.writeStringField("readToken", token.value());
                generator.writeStringField("view", view.label());
                generator.writeEndObject();
              }));
      return 0;
    }
    out.println("read token (" + view.label() + ")  " + token.value());
    out.println("Shown only now; ccotel keeps its SHA-256 hash.");
    return 0;
  }

  static ReadView view(String label) {
    try {
      return ReadView.parse(label);
    } catch (IllegalArgumentException e) {
      throw new Arguments.UsageException(e.getMessage());
    }
  }

  /** {@code team import|list}: a connection's roster (CONTRACT §7). */
  private int team(Arguments arguments) throws Exception {
    String action = arguments.positional(1);
    try (AdminTarget target = AdminTarget.resolve(arguments, dataDir(arguments), env)) {
      ConnectionAdmin admin = admin(target);
      DynamoDbRosterStore rosters =
          new DynamoDbRosterStore(target.dynamoDb(), target.requiredStateTable());
      return switch (action) {
        case "import" -> importRoster(arguments, admin, rosters);
        case "list" -> listRoster(arguments, admin, rosters);
        default -> throw new Arguments.UsageException("unknown team command '" + action + "'");
      };
    }
  }

  private int importRoster(Arguments arguments, ConnectionAdmin admin, DynamoDbRosterStore rosters)
      throws Exception {
    String connectionId = arguments.required("connection");
    Path file = Paths.get(arguments.required("file"));
    arguments.rejectUnknown();
    admin.requireConnection(connectionId);
    if (Files.size(file) > RosterCsv.MAX_BYTES) {
      throw new IllegalArgumentException(
          file + ": larger than " + RosterCsv.MAX_BYTES + " bytes; nothing was imported");
    }
    Roster roster;
    try {
      roster = RosterCsv.parse(Files.readAllBytes(file));
    } catch (RosterFormatException e) {
      throw new IllegalArgumentException(
          file + ": " + e.getMessage() + "; nothing was imported, the roster is unchanged", e);
    }
    rosters.replace(connectionId, roster);
    out.println(
        "imported "
            + roster.size()
            + " members: they are now the roster of "
            + connectionId
            + " (for every day, past ones included)");
    return 0;
  }

  private int listRoster(Arguments arguments, ConnectionAdmin admin, DynamoDbRosterStore rosters)
      throws Exception {
    String connectionId = arguments.required("connection");
    boolean json = arguments.flag("json");
    arguments.rejectUnknown();
    admin.requireConnection(connectionId);
    Roster roster = rosters.roster(connectionId);
    if (json) {
      out.print(
          JsonText.of(
              generator -> {
                generator.writeStartArray();
                for (Map.Entry<String, Membership> member : roster.members().entrySet()) {
                  generator.writeStartObject();
                  generator.writeStringField("email", member.getKey());
                  generator.writeStringField("team", member.getValue().team().orElse(null));
                  generator.writeStringField(
                      "department", member.getValue().department().orElse(null));
                  generator.writeStringField(
                      "cost_center", member.getValue().costCenter().orElse(null));
                  generator.writeEndObject();
                }
                generator.writeEndArray();
              }));
      return 0;
    }
    out.printf("%-40s %-24s %-24s %s%n", "EMAIL", "TEAM", "DEPARTMENT", "COST_CENTER");
    for (Map.Entry<String, Membership> member : roster.members().entrySet()) {
      Membership m = member.getValue();
      out.printf(
          "%-40s %-24s %-24s %s%n",
          member.getKey(),
          m.team().orElse(""),
          m.department().orElse(""),
          m.costCenter().orElse(""));
    }
    return 0;
  }

  private int budget(Arguments arguments) throws Exception {
    try (AdminTarget target = AdminTarget.resolve(arguments, dataDir(arguments), env)) {
      return new BudgetCommands(out).run(arguments, target);
    }
  }

  /** Long enough for SQS to move a full dead-letter queue back at its pace (500 messages/s). */
  private static final Duration MOVE_TASK_TIMEOUT = Duration.ofMinutes(10);

  private int deadLetters(Arguments arguments) throws IOException, InterruptedException {
    String action = arguments.positional(1);
    Path dataDir = dataDir(arguments);
    boolean json = arguments.flag("json");
    try (DeadLetterTarget target = DeadLetterTarget.resolve(arguments, dataDir)) {
      arguments.rejectUnknown();
      DeadLetters deadLetters = target.deadLetters();
      switch (action) {
        case "list" -> printDeadLetters(deadLetters.list(), json);
        case "replay" ->
            out.println(
                "replayed "
                    + (target.deployed()
                        ? deadLetters.replayByMoveTask(MOVE_TASK_TIMEOUT)
                        : deadLetters.replay())
                    + " messages to the ingest queue; already counted parts count nothing again");
        default -> throw new Arguments.UsageException("unknown dlq command '" + action + "'");
      }
    }
    return 0;
  }

  private void printDeadLetters(List<DeadLetters.DeadLetter> letters, boolean json) {
    if (json) {
      out.print(
          JsonText.of(
              generator -> {
                generator.writeStartArray();
                for (DeadLetters.DeadLetter d : letters) {
                  generator.writeStartObject();
                  generator.writeStringField("messageId", d.messageId());
                  generator.writeStringField("connectionId", d.connectionId());
                  generator.writeStringField("signal", d.signal());
                  generator.writeStringField("deliveryId", d.deliveryId());
                  generator.writeStringField("receivedAt", d.receivedAt());
                  generator.writeStringField("receiveCount", d.receiveCount());
                  generator.writeStringField("diagnosis", d.diagnosis());
                  generator.writeEndObject();
                }
                generator.writeEndArray();
              }));
      return;
    }
    out.println(letters.size() + " messages in the dead-letter queue");
    for (DeadLetters.DeadLetter d : letters) {
      out.println(
          "  "
              + d.connectionId()
              + "  "
              + d.signal()
              + "  received "
              + d.receivedAt()
              + "  delivery "
              + d.deliveryId()
              + "  — "
              + d.diagnosis());
    }
  }

  private int create(Arguments arguments, ConnectionAdmin admin, AdminTarget target)
      throws IOException {
    String endpoint = target.ingestEndpoint();
    String name = arguments.required("name");
    int shards =
        (int) arguments.number("shards", UsageShards.DEFAULT_COUNT, 1, UsageShards.MAX_COUNT);
    boolean json = arguments.flag("json");
    String email = arguments.option("email").orElse(ClaudeCodeSettings.EMAIL_PLACEHOLDER);
    String userName = arguments.option("user-name").orElse(ClaudeCodeSettings.NAME_PLACEHOLDER);
    var mergeInto = arguments.option("merge-into");
    ExportIntervals intervals = exportIntervals(arguments);
    arguments.rejectUnknown();
    if (name.isBlank()) {
      throw new Arguments.UsageException("--name must not be blank");
    }
    // Read and checked before the connection exists: a settings file we cannot merge into must
    // fail the command while it has changed nothing.
    Optional<String> existing =
        mergeInto.isPresent()
            ? Optional.of(readSettings(Paths.get(mergeInto.get())))
            : Optional.empty();
    LocalConnectionFile created = LocalConnectionFile.of(admin.create(name), endpoint);
    // Before anyone has its tokens: from its first day, its usage is spread over its shards.
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    target
        .usageTable()
        .ifPresent(
            usage ->
                new DynamoDbShardLayouts(target.dynamoDb(), usage, Clock.systemUTC())
                    .initial(created.connectionId(), today, shards));
    Map<String, String> settings =
        ClaudeCodeSettings.env(
            endpoint, created.ingestToken(), email, Optional.of(userName), intervals);
    if (json) {
      out.print(created.toJson(intervals));
    } else {
      out.println("connection    " + created.connectionId() + "  (" + name + ")");
      out.println("ingest token  " + created.ingestToken());
      out.println("read token    " + created.readToken());
      out.println(
          target.usageTable().isPresent()
              ? "shards        " + shards + " (partition keys of its usage, from " + today + ")"
              : "shards        1 (no --usage-table given; raise with connection set-shards)");
      out.println("Tokens are shown only now; ccotel keeps their SHA-256 hashes.");
      out.println("Claude Code settings (merge into ~/.claude/settings.json):");
      out.println(ClaudeCodeSettings.settingsJson(settings));
    }
    if (mergeInto.isPresent()) {
      merge(Paths.get(mergeInto.get()), existing.get(), settings);
    }
    return 0;
  }

  /**
   * {@code connection set-shards}: how many partition keys the connection's usage is spread over,
   * from a day at least {@value DynamoDbShardLayouts#LEAD_DAYS} days ahead (docs/decisions.md,
   * "Spreading a connection over partition keys").
   */
  private int setShards(Arguments arguments, ConnectionAdmin admin, AdminTarget target)
      throws UnknownConnectionException {
    String connectionId = arguments.required("connection");
    int count = (int) arguments.number("shards", 0, 1, UsageShards.MAX_COUNT);
    Optional<String> from = arguments.option("from");
    arguments.rejectUnknown();
    if (count == 0) {
      throw new Arguments.UsageException("--shards N is required");
    }
    admin.requireConnection(connectionId);
    DynamoDbShardLayouts layouts =
        new DynamoDbShardLayouts(target.dynamoDb(), target.requireUsageTable(), Clock.systemUTC());
    LocalDate day;
    try {
      day = from.map(LocalDate::parse).orElse(layouts.earliestChange());
    } catch (java.time.format.DateTimeParseException e) {
      throw new Arguments.UsageException("--from must be a date YYYY-MM-DD");
    }
    UsageShards stored;
    try {
      stored = layouts.change(connectionId, day, count);
    } catch (IllegalArgumentException e) {
      throw new Arguments.UsageException(e.getMessage());
    }
    out.println("connection " + connectionId + ": partition keys of its usage");
    out.println("  before " + stored.countFrom().firstKey() + "  1 (its own key)");
    stored.countFrom().forEach((first, n) -> out.println("  from   " + first + "  " + n));
    return 0;
  }

  private int list(Arguments arguments, ConnectionAdmin admin) {
    boolean json = arguments.flag("json");
    arguments.rejectUnknown();
    List<ConnectionAdmin.ConnectionSummary> connections = admin.list();
    if (json) {
      out.print(
          JsonText.of(
              generator -> {
                generator.writeStartArray();
                for (ConnectionAdmin.ConnectionSummary c : connections) {
                  generator.writeStartObject();
                  generator.writeStringField("connectionId", c.connection().id());
                  generator.writeStringField("name", c.connection().name());
                  generator.writeStringField("createdAt", c.connection().createdAt().toString());
                  generator.writeNumberField("activeIngestTokens", c.activeIngestTokens());
                  generator.writeNumberField("activeUserTokens", c.activeUserTokens());
                  generator.writeNumberField("activeReadTokens", c.activeReadTokens());
                  generator.writeObjectFieldStart("activeReadTokensByView");
                  for (ReadView view : ReadView.values()) {
                    generator.writeNumberField(view.label(), c.activeReadTokensByView().get(view));
                  }
                  generator.writeEndObject();
                  generator.writeEndObject();
                }
                generator.writeEndArray();
              }));
      return 0;
    }
    out.printf(
        "%-22s %-24s %-7s %-6s %-22s %s%n",
        "CONNECTION", "CREATED", "INGEST", "USERS", "READ (full/pseud/aggr)", "NAME");
    for (ConnectionAdmin.ConnectionSummary c : connections) {
      Map<ReadView, Integer> read = c.activeReadTokensByView();
      out.printf(
          "%-22s %-24s %-7d %-6d %-22s %s%n",
          c.connection().id(),
          c.connection().createdAt(),
          c.activeIngestTokens(),
          c.activeUserTokens(),
          read.get(ReadView.FULL)
              + "/"
              + read.get(ReadView.PSEUDONYMOUS)
              + "/"
              + read.get(ReadView.AGGREGATE),
          c.connection().name());
    }
    return 0;
  }

  private int rotate(Arguments arguments, ConnectionAdmin admin, String endpoint)
      throws UnknownConnectionException {
    String connectionId = arguments.required("connection");
    var viewOption = arguments.option("view");
    TokenScope scope =
        scope(arguments.option("scope").orElse(viewOption.isPresent() ? "read" : "ingest"));
    ReadView view = view(viewOption.orElse("full"));
    Duration overlap = overlap(arguments);
    boolean json = arguments.flag("json");
    ExportIntervals intervals = exportIntervals(arguments);
    arguments.rejectUnknown();
    if (viewOption.isPresent() && scope != TokenScope.READ) {
      throw new Arguments.UsageException("--view is for read tokens (--scope read)");
    }
    SecretToken fresh = admin.rotate(connectionId, scope, view, overlap);
    if (json) {
      out.print(
          JsonText.of(
              generator -> {
                generator.writeStartObject();
                generator.writeStringField("connectionId", connectionId);
                generator.writeStringField("scope", scope.label());
                generator.writeStringField("token", fresh.value());
                generator.writeEndObject();
              }));
      return 0;
    }
    out.println("new " + scope.label() + " token  " + fresh.value());
    out.println(
        overlap.isZero()
            ? "The previous " + scope.label() + " tokens stopped working now."
            : "The previous "
                + scope.label()
                + " tokens stop working in "
                + overlap.toSeconds()
                + " s.");
    if (scope == TokenScope.INGEST) {
      out.println(
          ClaudeCodeSettings.settingsJson(
              ClaudeCodeSettings.env(
                  endpoint,
                  fresh.value(),
                  ClaudeCodeSettings.EMAIL_PLACEHOLDER,
                  Optional.of(ClaudeCodeSettings.NAME_PLACEHOLDER),
                  intervals)));
    }
    return 0;
  }

  /** {@code --export-interval}: the generated settings' export intervals; a bad one exits 2. */
  static ExportIntervals exportIntervals(Arguments arguments) {
    Optional<String> given = arguments.option("export-interval");
    try {
      return given.map(ExportIntervals::parse).orElse(ExportIntervals.DEFAULT);
    } catch (IllegalArgumentException e) {
      throw new Arguments.UsageException("--export-interval: " + e.getMessage());
    }
  }

  static Duration overlap(Arguments arguments) {
    return Duration.ofSeconds(
        arguments.number("overlap-seconds", 0, 0, ConnectionAdmin.MAX_OVERLAP.toSeconds()));
  }

  private int revoke(Arguments arguments, ConnectionAdmin admin) throws UnknownConnectionException {
    String connectionId = arguments.required("connection");
    var token = arguments.option("token");
    var scope = arguments.option("scope");
    var view = arguments.option("view");
    arguments.rejectUnknown();
    if ((token.isPresent() ? 1 : 0) + (scope.isPresent() ? 1 : 0) + (view.isPresent() ? 1 : 0)
        != 1) {
      throw new Arguments.UsageException("give one of --token, --scope or --view");
    }
    if (view.isPresent()) {
      ReadView revoked = view(view.get());
      out.println(
          "revoked "
              + admin.revokeReadTokens(connectionId, revoked)
              + " "
              + revoked.label()
              + " read tokens of "
              + connectionId);
      return 0;
    }
    if (token.isPresent()) {
      admin.revoke(connectionId, token.get());
      out.println("revoked 1 token of " + connectionId);
      return 0;
    }
    List<TokenScope> scopes =
        scope.get().equals("all") ? List.of(TokenScope.values()) : List.of(scope(scope.get()));
    out.println("revoked " + admin.revokeAll(connectionId, scopes) + " tokens of " + connectionId);
    return 0;
  }

  private static TokenScope scope(String label) {
    try {
      return TokenScope.parse(label);
    } catch (IllegalArgumentException e) {
      throw new Arguments.UsageException(e.getMessage());
    }
  }

  private int settings(Arguments arguments, Path dataDir) throws IOException {
    var ingestToken = arguments.option("ingest-token");
    var endpoint = arguments.option("endpoint");
    String email = arguments.option("email").orElse(ClaudeCodeSettings.EMAIL_PLACEHOLDER);
    String userName = arguments.option("user-name").orElse(ClaudeCodeSettings.NAME_PLACEHOLDER);
    var mergeInto = arguments.option("merge-into");
    ExportIntervals intervals = exportIntervals(arguments);
    arguments.rejectUnknown();
    LocalConnectionFile local = null;
    if (ingestToken.isEmpty() || endpoint.isEmpty()) {
      Path file = dataDir.resolve(LocalConnectionFile.FILE_NAME);
      if (!Files.exists(file)) {
        throw new IllegalStateException(
            "no --ingest-token/--endpoint given and no " + file + " (start ./ccotel local once)");
      }
      local = LocalConnectionFile.read(file);
    }
    Map<String, String> settings =
        ClaudeCodeSettings.env(
            endpoint.orElse(local == null ? "" : local.endpoint()),
            ingestToken.orElse(local == null ? "" : local.ingestToken()),
            email,
            Optional.of(userName),
            intervals);
    if (mergeInto.isPresent()) {
      Path settingsFile = Paths.get(mergeInto.get());
      merge(settingsFile, readSettings(settingsFile), settings);
    } else {
      out.print(ClaudeCodeSettings.settingsJson(settings));
    }
    return 0;
  }

  /** The settings file's text ("" if there is none yet), checked to be mergeable. */
  private static String readSettings(Path settingsFile) throws IOException {
    if (Files.isDirectory(settingsFile)) {
      throw new Arguments.UsageException(
          "--merge-into " + settingsFile + " is a directory, not a settings file");
    }
    String existing =
        Files.exists(settingsFile) ? Files.readString(settingsFile, StandardCharsets.UTF_8) : "";
    ClaudeCodeSettings.merge(existing, Map.of()); // throws, naming what is wrong with it
    return existing;
  }

  /**
   * Writes the merged settings, and the previous text to {@code .bak}, each whole and with the
   * previous file's mode (a new settings file is owner-only): they may hold an API key.
   */
  private void merge(Path settingsFile, String existing, Map<String, String> settings)
      throws IOException {
    String merged = ClaudeCodeSettings.merge(existing, settings);
    Path parent = settingsFile.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      SecretFiles.ownerOnlyDirectory(parent);
    }
    Optional<Set<PosixFilePermission>> mode =
        Files.exists(settingsFile) ? SecretFiles.modeOf(settingsFile) : Optional.empty();
    if (!existing.isEmpty()) {
      byte[] previous = existing.getBytes(StandardCharsets.UTF_8);
      SecretFiles.write(
          settingsFile.resolveSibling(settingsFile.getFileName() + ".bak"),
          out -> out.write(previous),
          mode);
    }
    byte[] text = merged.getBytes(StandardCharsets.UTF_8);
    SecretFiles.write(settingsFile, out -> out.write(text), mode);
    out.println(
        "merged the env block into "
            + settingsFile
            + (existing.isEmpty() ? "" : " (previous version in .bak)"));
  }
}
