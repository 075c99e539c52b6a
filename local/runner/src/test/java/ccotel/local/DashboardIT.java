package ccotel.local;

import static ccotel.testing.Json.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.Fixtures;
import ccotel.testing.Json;
import ccotel.testing.Organisation;
import ccotel.testing.RecordSums;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against a real {@code ccotel local} holding an
 * organisation ({@link Organisation}: one captured session replayed for several users and days):
 * every user and the exact totals, checked against the summary API and against the sums of the
 * records made ({@link RecordSums}); the range filters, the user view, the token errors, the CSV
 * download, and no request to any other origin (the browser can resolve no other host, and its
 * network log shows none). Skipped, with how to install it, where Chromium is not installed; CI
 * installs it.
 */
class DashboardIT {

  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
  private static final Duration AGGREGATION_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

  /**
   * The page's clock, moved to noon UTC of {@link #TODAY} (and running on from there): its "last N
   * days" are the test's even when the UTC date changes during the run.
   */
  private static final String PAGE_CLOCK_AT_NOON_OF_TODAY =
      pageClockAt(TODAY.atTime(12, 0).toInstant(ZoneOffset.UTC));

  /** A script that moves the page's clock to {@code at}, running on from there. */
  private static String pageClockAt(Instant at) {
    return "(() => {\n"
        + "  const RealDate = Date;\n"
        + "  const offset = "
        + at.toEpochMilli()
        + " - RealDate.now();\n"
        + "  class TestDate extends RealDate {\n"
        + "    constructor(...args) { if (args.length) super(...args); else super(RealDate.now() + offset); }\n"
        + "    static now() { return RealDate.now() + offset; }\n"
        + "  }\n"
        + "  window.Date = TestDate;\n"
        + "})();";
  }

  /**
   * Days counted back from today: some in the last week, more in 30 and 90 days, one older; one
   * user known only by {@code user.id}.
   */
  private static final List<Organisation.Member> MEMBERS =
      List.of(
          member("ann@example.com", "uid-ann", "vscode", 1, 2),
          member("ben@example.com", "uid-ben", "iTerm.app", 1, 5),
          member("cat@example.com", "uid-cat", "vscode", 3, 12),
          member("dan@example.com", "uid-dan", "non-interactive", 20, 45),
          member("eve@example.com", "uid-eve", "tmux", 120),
          member(null, "uid-anon", "tmux", 2));

  /**
   * The roster imported with {@code ccotel team import}: the members' clients send no team, so
   * every team comes from here; fay is on it but sends nothing (a silent member); uid-anon has no
   * e-mail, so no team.
   */
  private static final Map<String, String> ROSTER =
      Map.of(
          "ann@example.com", "alpha",
          "ben@example.com", "alpha",
          "cat@example.com", "beta",
          "dan@example.com", "beta",
          "eve@example.com", "beta",
          "fay@example.com", "beta");

  /**
   * Every e-mail and user id of the organisation and roster: none may show in a pseudonymous page.
   */
  private static final List<String> IDENTITIES =
      List.of(
          "ann@example.com",
          "ben@example.com",
          "cat@example.com",
          "dan@example.com",
          "eve@example.com",
          "fay@example.com",
          "uid-ann",
          "uid-ben",
          "uid-cat",
          "uid-dan",
          "uid-eve",
          "uid-anon");

  /** The captured session's lines added: each user-day's. */
  private static final long SESSION_LINES = 11;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dataDir;
  private static LocalRunnerProcess runner;
  private static String readToken;
  private static String ingestToken;
  private static String connectionId;

  private Path downloads;
  private ChromeDriver browser;

  @BeforeAll
  static void startRunnerWithAnOrganisation() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Chromium is not installed, so the dashboard's browser tests cannot run: install it with"
            + " `apt-get install chromium chromium-driver` (Debian) and run them again");
    runner = LocalRunnerProcess.start(dataDir, dataDir.resolve("runner.log"));
    JsonNode connection = Json.read(Files.readAllBytes(dataDir.resolve("local-connection.json")));
    readToken = connection.get("readToken").asText();
    ingestToken = connection.get("ingestToken").asText();
    connectionId = connection.get("connectionId").asText();
    for (Fixtures.CapturedRequest request : Organisation.requests(MEMBERS)) {
      HttpResponse<String> answer =
          HTTP.send(runner.export(request, ingestToken), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), request + ": " + answer.body());
    }
    importRoster();
    awaitAggregation();
  }

  private static void importRoster() throws Exception {
    StringBuilder csv = new StringBuilder("email,team\n");
    ROSTER.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> csv.append(e.getKey()).append(',').append(e.getValue()).append('\n'));
    Path file = dataDir.resolve("roster.csv");
    Files.writeString(file, csv);
    LocalRunnerProcess.cli(
        dataDir, "team", "import", "--connection", connectionId, "--file", file.toString());
  }

  /**
   * The records the organisation makes, with the roster's membership: a listed member's team,
   * department and cost center are the roster's (this roster has no department nor cost center).
   */
  private static List<JsonNode> expectedRecords() {
    List<JsonNode> records = Organisation.expectedRecords(MEMBERS);
    for (JsonNode record : records) {
      String team = ROSTER.get(record.at("/actor/email_address").asText());
      if (team != null) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) record.get("ccotel"))
            .put("team", team)
            .putNull("department")
            .putNull("cost_center");
      }
    }
    return records;
  }

  private static Organisation.Member member(
      String email, String userId, String terminal, int... daysAgo) {
    List<LocalDate> days = new ArrayList<>();
    for (int ago : daysAgo) {
      days.add(TODAY.minusDays(ago));
    }
    return new Organisation.Member(email, userId, terminal, days);
  }

  @AfterAll
  static void stopRunner() throws Exception {
    if (runner != null) {
      runner.close();
    }
  }

  @BeforeEach
  void openBrowser(@TempDir Path downloads) {
    this.downloads = downloads;
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=en-US",
        "--window-size=1280,2000",
        // No host but the runner's resolves: a request to another origin cannot succeed.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--user-data-dir=" + downloads.resolve("profile"));
    options.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            downloads.toString(),
            "download.prompt_for_download",
            false,
            "intl.accept_languages",
            "en-US"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL); // every network request the page makes
    logs.enable(LogType.BROWSER, Level.ALL); // console errors, CSP violations among them
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
    browser.executeCdpCommand(
        "Page.addScriptToEvaluateOnNewDocument", Map.of("source", PAGE_CLOCK_AT_NOON_OF_TODAY));
  }

  @AfterEach
  void closeBrowser(TestInfo test) throws Exception {
    if (browser != null) {
      screenshot(test.getTestMethod().orElseThrow().getName());
      browser.quit();
    }
  }

  @Test
  void page_showsEveryUserAndTheExactTotals_asTheApiDoes() throws Exception {
    open("#token=" + readToken);
    LocalDate from = TODAY.minusDays(29);
    awaitView(from, TODAY, "");

    assertFalse(browser.getCurrentUrl().contains("token"), browser.getCurrentUrl());
    assertEquals(
        readToken,
        script("return sessionStorage.getItem('ccotel.readToken')"),
        "the token is kept in this tab's sessionStorage");
    List<String> users =
        List.of(
            "ann@example.com", "ben@example.com", "cat@example.com", "dan@example.com", "uid-anon");
    assertEquals(users, usersIn(from, TODAY));
    assertTotals(from, TODAY);
    // CONTRACT §6: every user's e-mail and the range's lines-added total appear as text.
    String text = browser.findElement(By.tagName("body")).getText();
    for (String user : users) {
      assertTrue(text.contains(user), user + " is not on the page");
    }
    long linesAdded = expectedSummary(from, TODAY).at("/totals/lines_added").asLong();
    assertEquals(8 * SESSION_LINES, linesAdded, "eight user-days in the range");
    assertEquals(
        NumberFormat.getIntegerInstance(Locale.US).format(linesAdded),
        kpi("lines-added").getText());
    assertEquals(List.of(), consoleErrors());
    screenshot("dashboard");
    readmeScreenshot();
  }

  @Test
  void runner_printsTheDashboardUrlWithTheTokenFragment() throws Exception {
    String printed = Files.readString(dataDir.resolve("runner.log"));

    assertTrue(
        printed.contains("  dashboard      " + runner.baseUrl() + "/#token=" + readToken + "\n"),
        printed);
  }

  @Test
  void rangeFilters_changeTheTotals() throws Exception {
    open("#token=" + readToken);
    awaitView(TODAY.minusDays(29), TODAY, "");

    new Select(browser.findElement(By.id("range"))).selectByValue("7");
    awaitView(TODAY.minusDays(6), TODAY, "");
    assertEquals(
        List.of("ann@example.com", "ben@example.com", "cat@example.com", "uid-anon"),
        usersIn(TODAY.minusDays(6), TODAY));
    assertTotals(TODAY.minusDays(6), TODAY);

    new Select(browser.findElement(By.id("range"))).selectByValue("90");
    awaitView(TODAY.minusDays(89), TODAY, "");
    assertEquals(5, usersIn(TODAY.minusDays(89), TODAY).size(), "all but eve");
    assertTotals(TODAY.minusDays(89), TODAY);

    // A custom range from the fragment: only dan's older day.
    LocalDate day = TODAY.minusDays(45);
    open("#from=" + day + "&to=" + day);
    awaitView(day, day, "");
    assertFalse(browser.getCurrentUrl().contains("from="), browser.getCurrentUrl());
    assertEquals(List.of("dan@example.com"), usersIn(day, day));
    assertTotals(day, day);
  }

  @Test
  void teamFilter_listsTheTeamsOfTheSummary() throws Exception {
    open("#token=" + readToken);
    LocalDate from = TODAY.minusDays(29);
    awaitView(from, TODAY, "");

    List<String> teams = new ArrayList<>();
    teams.add(""); // all teams
    summary(from, TODAY, "")
        .get("by_team")
        .forEach(
            team -> {
              if (!team.get("team").isNull()) {
                teams.add(team.get("team").asText());
              }
            });
    List<String> options = new ArrayList<>();
    for (WebElement option : new Select(browser.findElement(By.id("team"))).getOptions()) {
      options.add(option.getAttribute("value"));
    }
    assertEquals(teams, options);
  }

  @Test
  void teamFilter_showsThatTeamsTotals_asTheApiAndTheRecordsSumThem() throws Exception {
    open("#token=" + readToken);
    LocalDate from = TODAY.minusDays(29);
    awaitView(from, TODAY, "");

    new Select(browser.findElement(By.id("team"))).selectByValue("beta");
    awaitView(from, TODAY, "beta", "");

    JsonNode expected = RecordSums.summary(expectedRecords(), from, TODAY, Optional.of("beta"));
    JsonNode api = summary(from, TODAY, "beta");
    assertJsonEquals(expected.get("totals"), api.get("totals"));
    long linesAdded = api.at("/totals/lines_added").asLong();
    assertEquals(3 * SESSION_LINES, linesAdded, "cat's two days and dan's one in the range");
    assertEquals(
        NumberFormat.getIntegerInstance(Locale.US).format(linesAdded),
        kpi("lines-added").getText());
    assertEquals(
        api.at("/totals/active_users").asText(), kpi("active-users").getAttribute("data-value"));
    assertEquals(
        List.of("cat@example.com", "dan@example.com"),
        browser.findElements(By.cssSelector("#users-table tbody tr td:first-child a")).stream()
            .map(WebElement::getText)
            .sorted()
            .toList());
    assertEquals(
        List.of("beta", "beta"),
        browser.findElements(By.cssSelector("#users-table tbody tr td:nth-child(2)")).stream()
            .map(WebElement::getText)
            .toList());
  }

  @Test
  void pseudonymousToken_showsPseudonymsAndNoEmailOrUserId() throws Exception {
    String token = readTokenWithView("pseudonymous");
    open("#token=" + token);
    LocalDate from = TODAY.minusDays(29);
    awaitView(from, TODAY, "");

    assertEquals("pseudonymous", script("return document.body.dataset.access"));
    String source = browser.getPageSource();
    String text = browser.findElement(By.tagName("body")).getText();
    for (String identity : IDENTITIES) {
      assertFalse(source.contains(identity), identity + " is in the page");
    }
    List<String> pseudonyms = new ArrayList<>();
    summary(from, TODAY, "", token)
        .get("by_user")
        .forEach(user -> pseudonyms.add(user.at("/actor/pseudonym").asText()));
    assertEquals(5, pseudonyms.size(), "the five users of the range");
    assertTrue(pseudonyms.stream().allMatch(p -> p.startsWith("p_")), pseudonyms.toString());
    assertEquals(
        pseudonyms.stream().sorted().toList(),
        browser.findElements(By.cssSelector("#users-table tbody tr td:first-child a")).stream()
            .map(WebElement::getText)
            .sorted()
            .toList());
    assertEquals(
        "Pseudonym",
        browser.findElement(By.cssSelector("#users-table th[data-key='email']")).getText());
    assertTrue(text.contains(pseudonyms.get(0)), "pseudonyms appear as text");
    assertEquals(
        expectedSummary(from, TODAY).at("/totals/lines_added").asText(),
        kpi("lines-added").getAttribute("data-value"));
    assertEquals(List.of(), consoleErrors());
  }

  @Test
  void downloadCsv_inAPseudonymsView_isThatPseudonymsRowsOfTheApisCsv() throws Exception {
    String token = readTokenWithView("pseudonymous");
    LocalDate from = TODAY.minusDays(29);
    open("#token=" + token);
    awaitView(from, TODAY, "");
    String pseudonym = summary(from, TODAY, "", token).at("/by_user/0/actor/pseudonym").asText();
    browser.findElement(By.linkText(pseudonym)).click();
    awaitView(from, TODAY, pseudonym);

    browser.findElement(By.id("download-csv")).click();

    Path file =
        downloads.resolve("claude-code-usage-" + from + "-to-" + TODAY + "-" + pseudonym + ".csv");
    new WebDriverWait(browser, PAGE_TIMEOUT).until(b -> Files.exists(file));
    List<String> lines = List.of(apiCsv(from, TODAY, token).split("\r\n"));
    assertTrue(lines.get(0).startsWith("date,pseudonym,team,"), lines.get(0));
    StringBuilder rows = new StringBuilder(lines.get(0)).append("\r\n");
    for (String line : lines.subList(1, lines.size())) {
      if (line.split(",")[1].equals(pseudonym)) {
        rows.append(line).append("\r\n");
      }
    }
    // The highest-cost user has two days in the range, one row per model each.
    assertEquals(1 + 2 * sessionModels(), rows.toString().split("\r\n").length);
    String downloaded = Files.readString(file, StandardCharsets.UTF_8);
    assertEquals(rows.toString(), downloaded);
    for (String identity : IDENTITIES) {
      assertFalse(downloaded.contains(identity), identity + " is in the CSV");
    }
  }

  @Test
  void aggregateToken_hidesEveryUserButShowsTheKeyFigures() throws Exception {
    String token = readTokenWithView("aggregate");
    open("#token=" + token);
    LocalDate from = TODAY.minusDays(29);
    awaitView(from, TODAY, "");

    assertEquals("aggregate", script("return document.body.dataset.access"));
    assertFalse(browser.findElement(By.id("users")).isDisplayed(), "no users table");
    assertFalse(browser.findElement(By.id("user")).isDisplayed(), "no user filter");
    assertFalse(browser.findElement(By.id("download-csv")).isDisplayed(), "no CSV download");
    assertTrue(
        browser.findElement(By.id("view-note")).getText().contains("team-level figures only"));
    String source = browser.getPageSource();
    for (String identity : IDENTITIES) {
      assertFalse(source.contains(identity), identity + " is in the page");
    }
    JsonNode api = summary(from, TODAY, "", token);
    assertFalse(api.has("by_user"));
    assertEquals(8 * SESSION_LINES, api.at("/totals/lines_added").asLong());
    assertEquals(
        NumberFormat.getIntegerInstance(Locale.US).format(8 * SESSION_LINES),
        kpi("lines-added").getText());
    assertEquals(
        expectedSummary(from, TODAY).at("/totals/active_users").asText(),
        kpi("active-users").getAttribute("data-value"));
    assertTrue(browser.findElement(By.id("teams-table")).isDisplayed());
    assertEquals(List.of(), consoleErrors());
  }

  @Test
  void status_showsTheStaleExportBannerAndTheSilentRosterMembers() throws Exception {
    JsonNode status = status();
    Instant lastExport = Instant.parse(status.get("last_export_at").asText());
    Instant pageNow = lastExport.plus(Duration.ofHours(3));
    browser.executeCdpCommand(
        "Page.addScriptToEvaluateOnNewDocument", Map.of("source", pageClockAt(pageNow)));
    LocalDate pageToday = LocalDate.ofInstant(pageNow, ZoneOffset.UTC);
    open("#token=" + readToken);
    awaitView(pageToday.minusDays(29), pageToday, "");

    WebElement banner = browser.findElement(By.id("freshness"));
    assertTrue(banner.isDisplayed());
    assertEquals(
        "No export for 3 h: Claude Code has stopped sending, or its exports are refused.",
        banner.getText());
    // Silent: fay never sent anything, eve and dan not in the last 7 days; the longest first.
    List<String> silent = new ArrayList<>();
    status.get("silent_users").forEach(user -> silent.add(user.get("email").asText()));
    assertEquals(List.of("fay@example.com", "eve@example.com", "dan@example.com"), silent);
    assertEquals(
        silent,
        browser.findElements(By.cssSelector("#silent-table tbody tr td:first-child")).stream()
            .map(WebElement::getText)
            .toList());
    assertEquals(
        List.of("never"),
        browser
            .findElements(By.cssSelector("#silent-table tbody tr:first-child td:last-child"))
            .stream()
            .map(WebElement::getText)
            .toList());
  }

  @Test
  void userView_showsThatUsersDaysFromTheUsageApi() throws Exception {
    open("#token=" + readToken);
    awaitView(TODAY.minusDays(29), TODAY, "");

    browser.findElement(By.linkText("cat@example.com")).click();
    awaitView(TODAY.minusDays(29), TODAY, "cat@example.com");

    List<WebElement> days = browser.findElements(By.cssSelector("#user-days-table tbody tr"));
    assertEquals(2, days.size());
    assertEquals(
        TODAY.minusDays(12).toString(), days.get(0).findElement(By.tagName("td")).getText());
    assertEquals(
        Long.toString(2 * SESSION_LINES),
        kpi("lines-added", "user-kpis").getAttribute("data-value"));
    assertEquals(
        sessionModels(),
        browser.findElements(By.cssSelector("#user-models-table tbody tr")).size());
    screenshot("user");

    // The user filter opens a user's view as well.
    new Select(browser.findElement(By.id("user"))).selectByValue("dan@example.com");
    awaitView(TODAY.minusDays(29), TODAY, "dan@example.com");
    assertEquals(1, browser.findElements(By.cssSelector("#user-days-table tbody tr")).size());
    assertEquals(
        Long.toString(SESSION_LINES), kpi("lines-added", "user-kpis").getAttribute("data-value"));
  }

  @Test
  void usersTable_sortsByAHeaderButton_fromTheKeyboard() throws Exception {
    open("#token=" + readToken);
    awaitView(TODAY.minusDays(29), TODAY, "");
    By emailHeader = By.cssSelector("#users-table th[data-key='email']");

    browser.findElement(emailHeader).findElement(By.tagName("button")).sendKeys(Keys.ENTER);

    assertEquals(
        List.of(
            "ann@example.com", "ben@example.com", "cat@example.com", "dan@example.com", "uid-anon"),
        emailColumn());
    assertEquals("ascending", browser.findElement(emailHeader).getAttribute("aria-sort"));
    // Focus stays on the header, so Enter again reverses the order.
    browser.switchTo().activeElement().sendKeys(Keys.ENTER);
    assertEquals(
        List.of(
            "uid-anon", "dan@example.com", "cat@example.com", "ben@example.com", "ann@example.com"),
        emailColumn());
    assertEquals("descending", browser.findElement(emailHeader).getAttribute("aria-sort"));
  }

  private List<String> emailColumn() {
    return browser.findElements(By.cssSelector("#users-table tbody tr td:first-child")).stream()
        .map(WebElement::getText)
        .toList();
  }

  @Test
  void wrongToken_showsThatItWasRefused() throws Exception {
    open("#token=ccotel_read_notARealToken");

    awaitState("error");
    assertTrue(message().contains("it is wrong, or it has been revoked or rotated"), message());
    assertTrue(browser.findElement(By.id("sign-in")).isDisplayed());
  }

  @Test
  void ingestToken_showsThatItIsNotAReadToken() throws Exception {
    open("#token=" + ingestToken);

    awaitState("error");
    assertTrue(message().contains("it is an ingest token"), message());
  }

  @Test
  void downloadCsv_isTheApisCsvOfTheRange() throws Exception {
    open("#token=" + readToken);
    LocalDate from = TODAY.minusDays(29);
    awaitView(from, TODAY, "");

    browser.findElement(By.id("download-csv")).click();

    Path file = downloads.resolve("claude-code-usage-" + from + "-to-" + TODAY + ".csv");
    new WebDriverWait(browser, PAGE_TIMEOUT).until(b -> Files.exists(file));
    assertEquals(apiCsv(from, TODAY), Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void downloadCsv_inAUsersView_isThatUsersRowsOfTheApisCsv() throws Exception {
    LocalDate from = TODAY.minusDays(29);
    open("#token=" + readToken);
    awaitView(from, TODAY, "");
    browser.findElement(By.linkText("ben@example.com")).click();
    awaitView(from, TODAY, "ben@example.com");

    browser.findElement(By.id("download-csv")).click();

    Path file =
        downloads.resolve("claude-code-usage-" + from + "-to-" + TODAY + "-ben@example.com.csv");
    new WebDriverWait(browser, PAGE_TIMEOUT).until(b -> Files.exists(file));
    List<String> lines = List.of(apiCsv(from, TODAY).split("\r\n"));
    StringBuilder bens = new StringBuilder(lines.get(0)).append("\r\n");
    for (String line : lines.subList(1, lines.size())) {
      if (line.split(",")[1].equals("ben@example.com")) {
        bens.append(line).append("\r\n");
      }
    }
    // Two days, one row per model each.
    assertEquals(1 + 2 * sessionModels(), bens.toString().split("\r\n").length);
    assertEquals(bens.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void connectionWithoutUsage_showsHowToConnectClaudeCode() throws Exception {
    JsonNode empty =
        Json.read(
            LocalRunnerProcess.cli(dataDir, "connection", "create", "--name", "empty", "--json")
                .getBytes(StandardCharsets.UTF_8));
    open("#token=" + empty.get("readToken").asText());
    awaitView(TODAY.minusDays(29), TODAY, "");

    assertTrue(browser.findElement(By.id("empty")).isDisplayed());
    assertFalse(browser.findElement(By.id("organisation")).isDisplayed());
    JsonNode settings =
        Json.read(
            browser
                .findElement(By.id("settings-shape"))
                .getText()
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(
        runner.baseUrl() + "/api/otel", settings.at("/env/OTEL_EXPORTER_OTLP_ENDPOINT").asText());
    assertEquals("1", settings.at("/env/CLAUDE_CODE_ENABLE_TELEMETRY").asText());
    assertEquals("300000", settings.at("/env/OTEL_METRIC_EXPORT_INTERVAL").asText());
    assertEquals("300000", settings.at("/env/OTEL_LOGS_EXPORT_INTERVAL").asText());
    assertEquals(
        "No export received yet. · 0 exports in the last 24 h · 0 active users in the last 7 days",
        browser.findElement(By.id("last-export")).getText());
    assertFalse(browser.findElement(By.id("silent")).isDisplayed(), "no roster, so no one silent");
    screenshot("empty");
  }

  @Test
  void noRequestLeavesTheOrigin() throws Exception {
    open("#token=" + readToken);
    awaitView(TODAY.minusDays(29), TODAY, "");
    browser.findElement(By.linkText("ann@example.com")).click();
    awaitView(TODAY.minusDays(29), TODAY, "ann@example.com");

    String origin = runner.baseUrl() + "/";
    List<String> pageRequests = new ArrayList<>();
    List<String> elsewhere = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = Json.read(entry.getMessage().getBytes(StandardCharsets.UTF_8));
      if (!message.at("/message/method").asText().equals("Network.requestWillBeSent")) {
        continue;
      }
      String url = message.at("/message/params/request/url").asText();
      boolean fromThePage = message.at("/message/params/documentURL").asText().startsWith(origin);
      if (fromThePage) {
        pageRequests.add(url);
      }
      // Any network request of the page, and any of the browser's own over the network.
      boolean network = url.startsWith("http:") || url.startsWith("https:") || url.startsWith("ws");
      if ((fromThePage || network) && !url.startsWith(origin)) {
        elsewhere.add(url);
      }
    }
    assertEquals(List.of(), elsewhere);
    // The page, its four assets, the summaries and the user's records at least.
    assertTrue(
        pageRequests.containsAll(
            List.of(
                origin,
                origin + "assets/dashboard.js",
                origin + "assets/dashboard.css",
                origin + "assets/uplot.js",
                origin + "assets/uplot.css")),
        pageRequests.toString());
    assertTrue(
        pageRequests.stream()
            .anyMatch(url -> url.startsWith(origin + "api/usage/claude_code/summary?")),
        pageRequests.toString());
    assertTrue(
        pageRequests.stream().anyMatch(url -> url.startsWith(origin + "api/usage/claude_code?")),
        pageRequests.toString());
    assertEquals(List.of(), consoleErrors());
  }

  // ---- what the page shows against the API and against the organisation made

  /**
   * The page's key figures and users against the summary API, and the API against the sums of the
   * records the organisation makes.
   */
  private void assertTotals(LocalDate from, LocalDate to) throws Exception {
    JsonNode expected = expectedSummary(from, to);
    JsonNode api = summary(from, to, "");
    assertJsonEquals(expected.get("totals"), api.get("totals"));
    assertJsonEquals(expected.get("by_user"), api.get("by_user"));

    JsonNode totals = expected.get("totals");
    assertEquals(
        totals.get("active_users").asText(), kpi("active-users").getAttribute("data-value"));
    assertEquals(totals.get("num_sessions").asText(), kpi("sessions").getAttribute("data-value"));
    assertEquals(totals.get("lines_added").asText(), kpi("lines-added").getAttribute("data-value"));
    assertEquals(
        totals.get("lines_removed").asText(), kpi("lines-removed").getAttribute("data-value"));
    assertEquals(totals.get("commits").asText(), kpi("commits").getAttribute("data-value"));
    assertEquals(
        totals.get("pull_requests").asText(), kpi("pull-requests").getAttribute("data-value"));
    BigDecimal cost = totals.at("/estimated_cost/amount").decimalValue();
    assertEquals(
        0, cost.compareTo(new BigDecimal(kpi("cost").getAttribute("data-value"))), cost + " cents");
    long accepted = totals.at("/edit_decisions/accepted").asLong();
    long rejected = totals.at("/edit_decisions/rejected").asLong();
    assertEquals(
        accepted + " accepted of " + (accepted + rejected) + " decisions",
        kpi("accept-rate").getAttribute("title"));
    assertEquals(
        usersIn(from, to),
        browser.findElements(By.cssSelector("#users-table tbody tr td:first-child a")).stream()
            .map(WebElement::getText)
            .sorted()
            .toList());
  }

  /** The §5 summary of the records the organisation makes, summed by the tests' own code. */
  private static JsonNode expectedSummary(LocalDate from, LocalDate to) {
    return RecordSums.summary(expectedRecords(), from, to, Optional.empty());
  }

  /** The users with usage in the range, sorted: their e-mail, else their user id. */
  private static List<String> usersIn(LocalDate from, LocalDate to) {
    List<String> users = new ArrayList<>();
    expectedSummary(from, to)
        .get("by_user")
        .forEach(user -> users.add(Organisation.actorValue(user.get("actor"))));
    return users.stream().sorted().toList();
  }

  /** The models of the captured session: one CSV row each per user-day. */
  private static int sessionModels() {
    return expectedRecords().get(0).get("model_breakdown").size();
  }

  /** A key figure's value as shown: its text formatted, its exact value in data-value. */
  private WebElement kpi(String id) {
    return kpi(id, "kpis");
  }

  private WebElement kpi(String id, String container) {
    return browser.findElement(By.cssSelector("#" + container + " [data-kpi='" + id + "'] .value"));
  }

  private String message() {
    return browser.findElement(By.id("message")).getText();
  }

  /** Console errors; a Content-Security-Policy violation is one. */
  private List<String> consoleErrors() {
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
        errors.add(entry.getMessage());
      }
    }
    return errors;
  }

  // ---- driving the browser

  private void open(String fragment) {
    browser.get(runner.baseUrl() + "/" + fragment);
  }

  private void awaitView(LocalDate from, LocalDate to, String user) {
    awaitView(from, to, "", user);
  }

  private void awaitView(LocalDate from, LocalDate to, String team, String user) {
    String view = from + "|" + to + "|" + team + "|" + user;
    new WebDriverWait(browser, PAGE_TIMEOUT)
        .until(
            b ->
                "ready".equals(script("return document.body.dataset.state"))
                    && view.equals(script("return document.body.dataset.view")));
  }

  private void awaitState(String state) {
    new WebDriverWait(browser, PAGE_TIMEOUT)
        .until(b -> state.equals(script("return document.body.dataset.state")));
  }

  private Object script(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private void screenshot(String name) throws Exception {
    Path dir = Paths.get("target", "screenshots");
    Files.createDirectories(dir);
    Files.write(dir.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  /**
   * The page's content at three quarters of its size: docs/dashboard.png, which README shows, is a
   * copy of it.
   */
  private void readmeScreenshot() throws Exception {
    Number height = (Number) script("return document.body.scrollHeight");
    Map<String, Object> clip =
        Map.of("x", 0, "y", 0, "width", 1280, "height", height.intValue(), "scale", 0.75);
    Map<String, Object> shot =
        browser.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png", "clip", clip));
    Path dir = Paths.get("target", "screenshots");
    Files.createDirectories(dir);
    Files.write(
        dir.resolve("readme-dashboard.png"),
        java.util.Base64.getDecoder().decode((String) shot.get("data")));
  }

  // ---- the API, read directly

  private static JsonNode summary(LocalDate from, LocalDate to, String team) throws Exception {
    return summary(from, to, team, readToken);
  }

  private static JsonNode summary(LocalDate from, LocalDate to, String team, String token)
      throws Exception {
    String query =
        "?starting_at=" + from + "&ending_at=" + to + (team.isEmpty() ? "" : "&team=" + team);
    HttpResponse<byte[]> answer =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(runner.baseUrl() + "/api/usage/claude_code/summary" + query))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, answer.statusCode(), new String(answer.body(), StandardCharsets.UTF_8));
    return Json.read(answer.body());
  }

  private static JsonNode status() throws Exception {
    HttpResponse<byte[]> answer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(runner.baseUrl() + "/api/usage/claude_code/status"))
                .header("Authorization", "Bearer " + readToken)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, answer.statusCode(), new String(answer.body(), StandardCharsets.UTF_8));
    return Json.read(answer.body());
  }

  /** A new read token of the organisation's connection with that view. */
  private static String readTokenWithView(String view) throws Exception {
    JsonNode token =
        Json.read(
            LocalRunnerProcess.cli(
                    dataDir,
                    "connection",
                    "add-read-token",
                    "--connection",
                    connectionId,
                    "--view",
                    view,
                    "--json")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(view, token.get("view").asText());
    return token.get("readToken").asText();
  }

  /** The §4 CSV of the range, every page. */
  private static String apiCsv(LocalDate from, LocalDate to) throws Exception {
    return apiCsv(from, to, readToken);
  }

  private static String apiCsv(LocalDate from, LocalDate to, String token) throws Exception {
    StringBuilder csv = new StringBuilder();
    String page = null;
    do {
      String query =
          "?starting_at="
              + from
              + "&ending_at="
              + to
              + "&limit=1000"
              + (page == null ? "" : "&page=" + page);
      HttpResponse<String> answer =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(runner.baseUrl() + "/api/usage/claude_code" + query))
                  .header("Authorization", "Bearer " + token)
                  .header("Accept", "text/csv")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.body());
      String body = answer.body();
      csv.append(csv.length() == 0 ? body : body.substring(body.indexOf("\r\n") + 2));
      page = answer.headers().firstValue("X-Next-Page").orElse(null);
    } while (page != null);
    return csv.toString();
  }

  /** Waits until the records read back exactly as the organisation's sessions make them. */
  private static void awaitAggregation() throws Exception {
    List<JsonNode> expected = expectedRecords();
    Instant deadline = Instant.now().plus(AGGREGATION_TIMEOUT);
    List<JsonNode> records = List.of();
    while (Instant.now().isBefore(deadline)) {
      records = usage(TODAY.minusDays(365), TODAY);
      if (Json.jsonEquals(array(expected), array(records))) {
        return;
      }
      Thread.sleep(250);
    }
    assertJsonEquals(array(expected), array(records));
  }

  private static JsonNode array(List<JsonNode> nodes) {
    return JsonNodeFactory.instance.arrayNode().addAll(nodes);
  }

  private static List<JsonNode> usage(LocalDate from, LocalDate to) throws Exception {
    List<JsonNode> records = new ArrayList<>();
    HttpResponse<byte[]> answer =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        runner.baseUrl()
                            + "/api/usage/claude_code?starting_at="
                            + from
                            + "&ending_at="
                            + to
                            + "&limit=1000"))
                .header("Authorization", "Bearer " + readToken)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, answer.statusCode());
    Json.read(answer.body()).get("data").forEach(records::add);
    return records;
  }
}
