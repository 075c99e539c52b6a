package ccotel.local;

import ccotel.auth.ConnectionAdmin;
import ccotel.auth.SecretToken;
import ccotel.auth.UnknownConnectionException;
import ccotel.auth.UserEmail;
import ccotel.settings.ClaudeCodeSettings;
import ccotel.settings.ExportIntervals;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ccotel user token|list|rotate-token|revoke-token}: per-user ingest tokens (CONTRACT §7).
 * Everything sent with one counts for its user, whatever the payload says.
 */
final class UserTokenCommands {

  private final PrintStream out;
  private final ConnectionAdmin admin;
  private final String endpoint;

  UserTokenCommands(PrintStream out, ConnectionAdmin admin, String endpoint) {
    this.out = out;
    this.admin = admin;
    this.endpoint = endpoint;
  }

  int issue(Arguments arguments) throws UnknownConnectionException {
    String connectionId = arguments.required("connection");
    String email = email(arguments);
    Optional<String> name = arguments.option("name");
    boolean json = arguments.flag("json");
    ExportIntervals intervals = CcotelCli.exportIntervals(arguments);
    arguments.rejectUnknown();
    SecretToken token = admin.issueUserToken(connectionId, email, name);
    printToken(email, name.map(String::trim).filter(n -> !n.isEmpty()), token, json, "", intervals);
    return 0;
  }

  int rotate(Arguments arguments) throws UnknownConnectionException {
    String connectionId = arguments.required("connection");
    String email = email(arguments);
    Duration overlap = CcotelCli.overlap(arguments);
    boolean json = arguments.flag("json");
    ExportIntervals intervals = CcotelCli.exportIntervals(arguments);
    arguments.rejectUnknown();
    SecretToken token = admin.rotateUserToken(connectionId, email, overlap);
    Optional<String> name =
        admin.userTokens(connectionId).stream()
            .filter(t -> t.tokenId().equals(token.hash().shortId()))
            .findFirst()
            .flatMap(ConnectionAdmin.UserTokenInfo::name);
    printToken(
        email,
        name,
        token,
        json,
        overlap.isZero()
            ? "The user's previous tokens stopped working now."
            : "The user's previous tokens stop working in " + overlap.toSeconds() + " s.",
        intervals);
    return 0;
  }

  int revoke(Arguments arguments) throws UnknownConnectionException {
    String connectionId = arguments.required("connection");
    String email = email(arguments);
    arguments.rejectUnknown();
    int revoked = admin.revokeUserTokens(connectionId, email);
    out.println("revoked " + revoked + " tokens of " + email + " in " + connectionId);
    return 0;
  }

  int list(Arguments arguments) throws UnknownConnectionException {
    String connectionId = arguments.required("connection");
    boolean json = arguments.flag("json");
    arguments.rejectUnknown();
    List<ConnectionAdmin.UserTokenInfo> tokens = admin.userTokens(connectionId);
    if (json) {
      out.print(
          JsonText.of(
              generator -> {
                generator.writeStartArray();
                for (ConnectionAdmin.UserTokenInfo t : tokens) {
                  generator.writeStartObject();
                  generator.writeStringField("email", t.email());
                  if (t.name().isPresent()) {
                    generator.writeStringField("name", t.name().get());
                  }
                  generator.writeStringField("tokenId", t.tokenId());
                  generator.writeStringField("createdAt", t.createdAt().toString());
                  generator.writeBooleanField("active", t.active());
                  if (t.expiresAt().isPresent()) {
                    generator.writeStringField("expiresAt", t.expiresAt().get().toString());
                  }
                  generator.writeEndObject();
                }
                generator.writeEndArray();
              }));
      return 0;
    }
    out.printf("%-32s %-14s %-24s %-34s %s%n", "EMAIL", "TOKEN ID", "CREATED", "STATE", "NAME");
    for (ConnectionAdmin.UserTokenInfo t : tokens) {
      String state =
          t.expiresAt().isEmpty()
              ? "active"
              : (t.active() ? "active, ends " : "ended ") + t.expiresAt().get();
      out.printf(
          "%-32s %-14s %-24s %-34s %s%n",
          t.email(), t.tokenId(), t.createdAt(), state, t.name().orElse(""));
    }
    return 0;
  }

  /** The normalized address; a bad one is a usage error, checked before anything is written. */
  private static String email(Arguments arguments) {
    try {
      return UserEmail.normalize(arguments.required("email"));
    } catch (IllegalArgumentException e) {
      throw new Arguments.UsageException("--email: " + e.getMessage());
    }
  }

  private void printToken(
      String email,
      Optional<String> name,
      SecretToken token,
      boolean json,
      String note,
      ExportIntervals intervals) {
    Map<String, String> settings =
        ClaudeCodeSettings.env(endpoint, token.value(), email, name, intervals);
    if (json) {
      out.print(
          JsonText.of(
              generator -> {
                generator.writeStartObject();
                generator.writeStringField("email", email);
                generator.writeStringField("ingestToken", token.value());
                generator.writeObjectFieldStart("settings");
                generator.writeObjectFieldStart("env");
                for (Map.Entry<String, String> entry : settings.entrySet()) {
                  generator.writeStringField(entry.getKey(), entry.getValue());
                }
                generator.writeEndObject();
                generator.writeEndObject();
                generator.writeEndObject();
              }));
      return;
    }
    out.println("ingest token for " + email + "  " + token.value());
    out.println("Shown only now; ccotel keeps its SHA-256 hash. Everything sent with it counts");
    out.println("for " + email + ", whatever the telemetry says.");
    if (!note.isEmpty()) {
      out.println(note);
    }
    out.println("Claude Code settings for this user (~/.claude/settings.json, or through MDM):");
    out.println(ClaudeCodeSettings.settingsJson(settings));
  }
}
