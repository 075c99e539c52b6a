package ccotel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.Fixtures;
import ccotel.testing.Json;
import com.fasterxml.jackson.databind.JsonNode;
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
 * organisation (one captured session replayed for several users and days): every user and the exact
 * totals, the range filters, the token errors, the CSV download, and no request to any other origin
 * (the browser can resolve no other host, and its network log shows none). Skipped, with how to
 * install it, where Chromium is not installed; CI installs it.
 */
class DashboardIT {

  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
  private static final Duration AGGREGATION_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

  /** Days counted back from today: two in the last week, more in 30 and 90 days, one older. */
  private static final List<Organisation.UserDays> USERS =
      List.of(
          new Organisation.UserDays("ann@example.com", List.of(1, 2)),
          new Organisation.UserDays("ben@example.com", List.of(1, 5)),
          new Organisation.UserDays("cat@example.com", List.of(3, 12)),
          new Organisation.UserDays("dan@example.com", List.of(20, 45)),
          new Organisation.UserDays("eve@example.com", List.of(120)));

  @TempDir static Path dataDir;
  private static LocalRunnerProcess runner;
  private static Organisation organisation;
  private static String readToken;
  private static String ingestToken;
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

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
    organisation = new Organisation(USERS, TODAY);
    for (Fixtures.CapturedRequest request : organisation.requests()) {
      HttpResponse<String> answer =
          HTTP.send(runner.export(request, ingestToken), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), request + ": " + answer.body());
    }
    awaitAggregation();
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
    assertEquals(
        List.of("ann@example.com", "ben@example.com", "cat@example.com", "dan@example.com"),
        organisation.usersIn(from, TODAY));
    assertTotals(from, TODAY, organisation.usersIn(from, TODAY));
    // CONTRACT §6: every user's e-mail and the range's lines-added total appear as text.
    String text = browser.findElement(By.tagName("body")).getText();
    for (String email : organisation.usersIn(from, TODAY)) {
      assertTrue(text.contains(email), email + " is not on the page");
    }
    long linesAdded =
        organisation.record().at("/core_metrics/lines_of_code/added").asLong()
            * organisation.userDaysIn(from, TODAY);
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
        List.of("ann@example.com", "ben@example.com", "cat@example.com"),
        organisation.usersIn(TODAY.minusDays(6), TODAY));
    assertTotals(TODAY.minusDays(6), TODAY, organisation.usersIn(TODAY.minusDays(6), TODAY));

    new Select(browser.findElement(By.id("range"))).selectByValue("90");
    awaitView(TODAY.minusDays(89), TODAY, "");
    assertTotals(TODAY.minusDays(89), TODAY, organisation.usersIn(TODAY.minusDays(89), TODAY));

    // A custom range from the fragment: only dan's older day.
    LocalDate day = TODAY.minusDays(45);
    open("#from=" + day + "&to=" + day);
    awaitView(day, day, "");
    assertFalse(browser.getCurrentUrl().contains("from="), browser.getCurrentUrl());
    assertTotals(day, day, List.of("dan@example.com"));
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
  void userView_showsThatUsersDaysFromTheUsageApi() throws Exception {
    open("#token=" + readToken);
    awaitView(TODAY.minusDays(29), TODAY, "");

    browser.findElement(By.linkText("cat@example.com")).click();
    awaitView(TODAY.minusDays(29), TODAY, "cat@example.com");

    List<WebElement> days = browser.findElements(By.cssSelector("#user-days-table tbody tr"));
    assertEquals(2, days.size());
    assertEquals(
        TODAY.minusDays(12).toString(), days.get(0).findElement(By.tagName("td")).getText());
    long added = organisation.record().at("/core_metrics/lines_of_code/added").asLong();
    assertEquals(
        Long.toString(2 * added), kpi("lines-added", "user-kpis").getAttribute("data-value"));
    assertEquals(
        organisation.record().get("model_breakdown").size(),
        browser.findElements(By.cssSelector("#user-models-table tbody tr")).size());
    screenshot("user");

    // The user filter opens a user's view as well.
    new Select(browser.findElement(By.id("user"))).selectByValue("dan@example.com");
    awaitView(TODAY.minusDays(29), TODAY, "dan@example.com");
    assertEquals(1, browser.findElements(By.cssSelector("#user-days-table tbody tr")).size());
    assertEquals(Long.toString(added), kpi("lines-added", "user-kpis").getAttribute("data-value"));
  }

  @Test
  void usersTable_sortsByAHeaderButton_fromTheKeyboard() throws Exception {
    open("#token=" + readToken);
    awaitView(TODAY.minusDays(29), TODAY, "");
    By emailHeader = By.cssSelector("#users-table th[data-key='email']");

    browser.findElement(emailHeader).findElement(By.tagName("button")).sendKeys(Keys.ENTER);

    assertEquals(
        List.of("ann@example.com", "ben@example.com", "cat@example.com", "dan@example.com"),
        emailColumn());
    assertEquals("ascending", browser.findElement(emailHeader).getAttribute("aria-sort"));
    // Focus stays on the header, so Enter again reverses the order.
    browser.switchTo().activeElement().sendKeys(Keys.ENTER);
    assertEquals(
        List.of("dan@example.com", "cat@example.com", "ben@example.com", "ann@example.com"),
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
    assertEquals(
        1 + 2 * organisation.record().get("model_breakdown").size(),
        bens.toString().split("\r\n").length);
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
    assertEquals("No export received yet.", browser.findElement(By.id("last-export")).getText());
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

  /** The KPIs and users table of the page against the summary API and the replayed records. */
  private void assertTotals(LocalDate from, LocalDate to, List<String> users) throws Exception {
    JsonNode totals = summary(from, to, "").get("totals");
    int userDays = organisation.userDaysIn(from, to);
    JsonNode record = organisation.record();
    assertEquals(users.size(), totals.get("active_users").asInt());
    assertEquals(
        record.at("/core_metrics/lines_of_code/added").asLong() * userDays,
        totals.get("lines_added").asLong());
    BigDecimal cost = totals.at("/estimated_cost/amount").decimalValue();
    assertEquals(
        0,
        costCents(record).multiply(BigDecimal.valueOf(userDays)).compareTo(cost),
        cost + " cents");

    assertEquals(
        totals.get("active_users").asText(), kpi("active-users").getAttribute("data-value"));
    assertEquals(totals.get("num_sessions").asText(), kpi("sessions").getAttribute("data-value"));
    assertEquals(totals.get("lines_added").asText(), kpi("lines-added").getAttribute("data-value"));
    assertEquals(
        totals.get("lines_removed").asText(), kpi("lines-removed").getAttribute("data-value"));
    assertEquals(totals.get("commits").asText(), kpi("commits").getAttribute("data-value"));
    assertEquals(
        totals.get("pull_requests").asText(), kpi("pull-requests").getAttribute("data-value"));
    assertEquals(0, cost.compareTo(new BigDecimal(kpi("cost").getAttribute("data-value"))));
    long accepted = totals.at("/edit_decisions/accepted").asLong();
    long rejected = totals.at("/edit_decisions/rejected").asLong();
    assertEquals(
        accepted + " accepted of " + (accepted + rejected) + " decisions",
        kpi("accept-rate").getAttribute("title"));
    assertEquals(
        users,
        browser.findElements(By.cssSelector("#users-table tbody tr td:first-child a")).stream()
            .map(WebElement::getText)
            .sorted()
            .toList());
  }

  private static BigDecimal costCents(JsonNode record) {
    BigDecimal cents = BigDecimal.ZERO;
    for (JsonNode model : record.get("model_breakdown")) {
      cents = cents.add(model.at("/estimated_cost/amount").decimalValue());
    }
    return cents;
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
    String view = from + "|" + to + "||" + user;
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
    String query =
        "?starting_at=" + from + "&ending_at=" + to + (team.isEmpty() ? "" : "&team=" + team);
    HttpResponse<byte[]> answer =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(runner.baseUrl() + "/api/usage/claude_code/summary" + query))
                .header("Authorization", "Bearer " + readToken)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, answer.statusCode(), new String(answer.body(), StandardCharsets.UTF_8));
    return Json.read(answer.body());
  }

  /** The §4 CSV of the range, every page. */
  private static String apiCsv(LocalDate from, LocalDate to) throws Exception {
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
                  .header("Authorization", "Bearer " + readToken)
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

  /** Waits until every replayed user-day reads back as the captured session's record. */
  private static void awaitAggregation() throws Exception {
    LocalDate from = TODAY.minusDays(365);
    Instant deadline = Instant.now().plus(AGGREGATION_TIMEOUT);
    List<JsonNode> records = List.of();
    while (Instant.now().isBefore(deadline)) {
      records = usage(from, TODAY);
      if (records.size() == organisation.userDays()
          && records.stream().allMatch(DashboardIT::isTheSession)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "the organisation did not read back as replayed within "
            + AGGREGATION_TIMEOUT
            + ": "
            + records);
  }

  /** A record that is the captured session's, but for its e-mail and date. */
  private static boolean isTheSession(JsonNode record) {
    JsonNode expected = organisation.record().deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected).set("date", record.get("date"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected).set("actor", record.get("actor"));
    return Json.jsonEquals(expected, record);
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
