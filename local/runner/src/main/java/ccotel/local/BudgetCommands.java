package ccotel.local;

import ccotel.auth.UnknownConnectionException;
import ccotel.budget.Alert;
import ccotel.budget.Budget;
import ccotel.budget.BudgetStore;
import ccotel.budget.BudgetWatch;
import ccotel.budget.UsdAmount;
import ccotel.budget.WebhookUrls;
import ccotel.dynamodb.DynamoDbBudgets;
import ccotel.dynamodb.DynamoDbConnectionRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * {@code ccotel budget set|show|clear|alerts} (CONTRACT §8). Every argument is checked, and the
 * connection looked up, before anything is written: a refused command stores nothing.
 */
final class BudgetCommands {

  static final String ALLOW_HTTP_WEBHOOK = "allow-http-webhook";
  static final String ROTATE_SECRET = "rotate-secret";

  private final PrintStream out;

  BudgetCommands(PrintStream out) {
    this.out = out;
  }

  int run(Arguments arguments, AdminTarget target) throws UnknownConnectionException {
    String action = arguments.positional(1);
    String connectionId = arguments.required("connection");
    BudgetStore budgets = new DynamoDbBudgets(target.dynamoDb(), target.requireUsageTable());
    return switch (action) {
      case "set" -> set(arguments, target, budgets, connectionId);
      case "show" -> show(arguments, target, budgets, connectionId);
      case "clear" -> clear(arguments, target, budgets, connectionId);
      case "alerts" -> alerts(arguments, target, budgets, connectionId);
      default -> throw new Arguments.UsageException("unknown budget command '" + action + "'");
    };
  }

  private int set(Arguments arguments, AdminTarget target, BudgetStore budgets, String connectionId)
      throws UnknownConnectionException {
    String amount = arguments.required("daily-cost-usd");
    Optional<String> webhookText = arguments.option("webhook");
    boolean allowHttp = arguments.flag(ALLOW_HTTP_WEBHOOK);
    boolean rotate = arguments.flag(ROTATE_SECRET);
    arguments.rejectUnknown();
    long nanoUsd;
    Optional<URI> webhook;
    try {
      nanoUsd = UsdAmount.parseDailyBudget(amount);
      webhook = webhookText.map(text -> WebhookUrls.check(text, allowHttp));
    } catch (IllegalArgumentException e) {
      throw new Arguments.UsageException(e.getMessage());
    }
    if (rotate && webhook.isEmpty()) {
      throw new Arguments.UsageException("--" + ROTATE_SECRET + " needs --webhook");
    }
    requireConnection(target, connectionId);
    Optional<String> kept =
        rotate ? Optional.empty() : budgets.budget(connectionId).flatMap(Budget::webhookSecret);
    Optional<String> secret = webhook.map(url -> kept.orElseGet(Budget::newWebhookSecret));
    budgets.putBudget(new Budget(connectionId, nanoUsd, webhook, secret));
    out.println(
        "budget of "
            + connectionId
            + ": "
            + UsdAmount.usd(nanoUsd).toPlainString()
            + " USD per user per UTC day; running aggregators apply it within "
            + BudgetWatch.CONFIG_CACHE.toSeconds()
            + " s");
    if (webhook.isPresent()) {
      out.println("webhook       " + webhook.get());
      if (kept.isPresent()) {
        out.println("secret        unchanged (--" + ROTATE_SECRET + " for a new one)");
      } else {
        // The only time the secret is shown: the receiver needs it to verify signatures.
        out.println("secret        " + secret.get() + "  (shown once: give it to the receiver)");
      }
    } else {
      out.println("webhook       none");
    }
    return 0;
  }

  private int show(
      Arguments arguments, AdminTarget target, BudgetStore budgets, String connectionId)
      throws UnknownConnectionException {
    boolean json = arguments.flag("json");
    arguments.rejectUnknown();
    requireConnection(target, connectionId);
    Optional<Budget> budget = budgets.budget(connectionId);
    if (json) {
      out.print(
          JsonText.of(
              generator -> {
                generator.writeStartObject();
                generator.writeStringField("connectionId", connectionId);
                if (budget.isPresent()) {
                  generator.writeNumberField(
                      "daily_cost_usd", UsdAmount.usd(budget.get().dailyNanoUsd()));
                  generator.writeStringField(
                      "webhook", budget.get().webhook().map(URI::toString).orElse(null));
                } else {
                  generator.writeNullField("daily_cost_usd");
                  generator.writeNullField("webhook");
                }
                generator.writeEndObject();
              }));
      return 0;
    }
    if (budget.isEmpty()) {
      out.println(connectionId + " has no budget");
      return 0;
    }
    out.println(
        "budget of "
            + connectionId
            + ": "
            + UsdAmount.usd(budget.get().dailyNanoUsd()).toPlainString()
            + " USD per user per UTC day");
    out.println("webhook       " + budget.get().webhook().map(URI::toString).orElse("none"));
    return 0;
  }

  private int clear(
      Arguments arguments, AdminTarget target, BudgetStore budgets, String connectionId)
      throws UnknownConnectionException {
    arguments.rejectUnknown();
    requireConnection(target, connectionId);
    out.println(
        budgets.deleteBudget(connectionId)
            ? "budget of " + connectionId + " cleared; its alerts stay listed"
            : connectionId + " had no budget");
    return 0;
  }

  private int alerts(
      Arguments arguments, AdminTarget target, BudgetStore budgets, String connectionId)
      throws UnknownConnectionException {
    boolean json = arguments.flag("json");
    arguments.rejectUnknown();
    requireConnection(target, connectionId);
    List<Alert> alerts = budgets.alerts(connectionId);
    if (json) {
      out.print(
          JsonText.of(
              generator -> {
                generator.writeStartArray();
                for (Alert alert : alerts) {
                  generator.writeStartObject();
                  generator.writeStringField("id", alert.key().id());
                  generator.writeStringField("date", alert.userDay().day().toString());
                  generator.writeStringField("email", alert.userDay().user().value());
                  generator.writeNumberField("cost_usd", UsdAmount.usd(alert.costNanoUsd()));
                  generator.writeNumberField("budget_usd", UsdAmount.usd(alert.budgetNanoUsd()));
                  generator.writeStringField("raised_at", alert.raisedAt().toString());
                  generator.writeStringField("state", alert.state());
                  generator.writeNumberField("failed_attempts", alert.attempts());
                  generator.writeStringField("last_error", alert.lastError().orElse(null));
                  generator.writeEndObject();
                }
                generator.writeEndArray();
              }));
      return 0;
    }
    out.println(alerts.size() + " alerts of " + connectionId);
    for (Alert alert : alerts) {
      out.println(
          "  "
              + alert.userDay().day()
              + "  "
              + alert.userDay().user().value()
              + "  "
              + UsdAmount.usd(alert.costNanoUsd()).toPlainString()
              + " > "
              + UsdAmount.usd(alert.budgetNanoUsd()).toPlainString()
              + " USD  "
              + alert.state()
              + (alert.attempts() > 0 ? " after " + alert.attempts() + " failed POSTs" : "")
              + alert.lastError().map(error -> " (" + error + ")").orElse(""));
    }
    return 0;
  }

  private static void requireConnection(AdminTarget target, String connectionId)
      throws UnknownConnectionException {
    boolean known =
        new DynamoDbConnectionRegistry(
                target.dynamoDb(),
                target.tokensTable(),
                target.connectionsTable(),
                Clock.systemUTC())
            .find(connectionId)
            .isPresent();
    if (!known) {
      throw new UnknownConnectionException("no connection " + connectionId);
    }
  }
}
