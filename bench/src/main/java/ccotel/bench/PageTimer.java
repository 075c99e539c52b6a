package ccotel.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * How long the dashboard takes to be usable: from asking headless Chromium for {@code
 * /#token=…&from=…&to=…} until the page says it is ready (key figures and the users table drawn,
 * see dashboard.js {@code render}) with a row per user. A new browser profile each time, so nothing
 * is cached by the browser; the server's summary cache is what differs between the first opening
 * and the next.
 */
final class PageTimer implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private final ChromeDriver browser;

  private PageTimer(ChromeDriver browser) {
    this.browser = browser;
  }

  static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  static PageTimer start() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--window-size=1280,2000",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    return new PageTimer(new ChromeDriver(service, options));
  }

  /** Milliseconds from opening the page until it is ready with {@code users} rows of users. */
  double open(String baseUrl, String readToken, LocalDate from, LocalDate to, int users) {
    browser.get("about:blank");
    long started = System.nanoTime();
    browser.get(baseUrl + "/#token=" + readToken + "&from=" + from + "&to=" + to);
    new WebDriverWait(browser, Duration.ofMinutes(2))
        .until(
            page ->
                "ready".equals(browser.executeScript("return document.body.dataset.state"))
                    || "error".equals(browser.executeScript("return document.body.dataset.state")));
    double millis = (System.nanoTime() - started) / 1e6;
    if (!"ready".equals(browser.executeScript("return document.body.dataset.state"))) {
      throw new IllegalStateException(
          "the dashboard failed: " + browser.findElement(By.id("message")).getText());
    }
    int rows = browser.findElements(By.cssSelector("#users-table tbody tr")).size();
    if (rows != users) {
      throw new IllegalStateException("the users table has " + rows + " rows, not " + users);
    }
    // The token stays in this tab's sessionStorage: forget it, so each opening signs in anew.
    browser.executeScript("sessionStorage.clear()");
    return millis;
  }

  /** Opens the page {@code times} times; the times in milliseconds, in order. */
  List<Double> openTimes(
      String baseUrl, String readToken, LocalDate from, LocalDate to, int users, int times) {
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      millis.add(open(baseUrl, readToken, from, to, users));
    }
    return millis;
  }

  @Override
  public void close() {
    browser.quit();
  }
}
