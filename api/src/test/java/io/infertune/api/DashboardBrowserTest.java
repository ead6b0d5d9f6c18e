package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromedriver};
 * skipped where they are not installed): a campaign started from the form, its trials appearing
 * live in the list, its page with the convergence plot and the trial table, and screenshots under
 * {@code target/}.
 */
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir static Path dataDir;
  private static Infertune service;
  private static HttpJson http;
  private static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian's chromium, chromium-driver)");
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());
    ChromeOptions options = new ChromeOptions();
    // Both paths given: Selenium Manager, which would look for a browser online, is not used.
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1366,1000");
    // The page's console, read at the end: a script error fails the test.
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    // The driver by its system property rather than ChromeDriverService.Builder, whose
    // @AutoService annotation (not on the class path) would make javac warn.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    driver = new ChromeDriver(options);
  }

  /** Each test starts from a fresh document: a URL that differs only in its hash would not load. */
  @BeforeEach
  void blankPage() {
    driver.get("about:blank");
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (service != null) {
      service.close();
    }
  }

  private static WebDriverWait waitUpTo(Duration d) {
    WebDriverWait w = new WebDriverWait(driver, d, Duration.ofMillis(100));
    w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    // On a timeout, say what the page showed and what its console said.
    w.withMessage(
        () -> {
          try {
            return "the page showed: "
                + driver.findElement(By.id("main")).getText()
                + "\nits console: "
                + driver.manage().logs().get(LogType.BROWSER).getAll();
          } catch (RuntimeException e) {
            return "the page could not be read: " + e;
          }
        });
    return w;
  }

  private static void type(WebElement form, String name, String value) {
    WebElement input = form.findElement(By.name(name));
    input.clear();
    input.sendKeys(value);
  }

  @Test
  void aCampaignStartedFromTheFormIsFollowedLiveAndPlotted() throws Exception {
    String base = "http://127.0.0.1:" + service.port();
    driver.get(base + "/");
    WebElement form =
        waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("new-campaign")));
    driver.findElement(By.cssSelector("#new-campaign-panel summary")).click();

    // Tune the batch size only, over four values, with short windows and a short promotion.
    for (WebElement row : form.findElements(By.cssSelector("table.knobs tr[data-knob]"))) {
      WebElement tune = row.findElement(By.cssSelector("input[type=checkbox]"));
      boolean wanted = row.getDomAttribute("data-knob").equals("batch_size");
      if (tune.isSelected() != wanted) {
        tune.click();
      }
      if (wanted) {
        WebElement values = row.findElement(By.cssSelector("input[name^=values-]"));
        values.clear();
        values.sendKeys("1, 2, 4, 16");
      }
    }
    type(form, "name", "from the browser");
    new Select(form.findElement(By.name("strategy"))).selectByVisibleText("random");
    type(form, "seed", "3");
    type(form, "maxTrials", "4");
    type(form, "warmupSeconds", "0.2");
    type(form, "windowSeconds", "1");
    type(form, "roundsPerArm", "2");
    type(form, "watchSeconds", "0");
    // A marker that a page load would wipe: the list must update without one.
    ((JavascriptExecutor) driver).executeScript("window.__sameDocument = true;");
    form.findElement(By.cssSelector("button[type=submit]")).click();

    // Read inside the wait: the live list may redraw the row between finding and reading it.
    String campaignId =
        waitUpTo(Duration.ofSeconds(30))
            .until(
                d ->
                    d.findElement(By.cssSelector("#campaigns-table tr[data-campaign-id]"))
                        .getDomAttribute("data-campaign-id"));
    JsonNode created = http.get("/api/v1/campaigns/" + campaignId).json();
    assertThat(created.get("spec").get("name").asText()).isEqualTo("from the browser");
    assertThat(created.get("spec").get("budget").get("maxTrials").asInt()).isEqualTo(4);
    assertThat(created.get("spec").get("parameters")).hasSize(1);

    // Trials appear in the list while the campaign runs, pushed by the event stream.
    waitUpTo(Duration.ofMinutes(2))
        .until(
            d -> {
              WebElement r =
                  d.findElement(
                      By.cssSelector("#campaigns-table tr[data-campaign-id='" + campaignId + "']"));
              int finished =
                  Integer.parseInt(
                      r.findElement(By.cssSelector(".trials-finished"))
                          .getDomAttribute("data-finished"));
              return finished >= 1 && finished < 4;
            });
    assertThat(((JavascriptExecutor) driver).executeScript("return window.__sameDocument === true"))
        .isEqualTo(true);

    driver
        .findElement(
            By.cssSelector("#campaigns-table tr[data-campaign-id='" + campaignId + "'] td a"))
        .click();
    waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("chart-convergence")));
    // The campaign page follows the campaign to its end.
    waitUpTo(Duration.ofMinutes(3))
        .until(
            d ->
                d.findElement(By.cssSelector("#campaign-head .badge"))
                    .getText()
                    .equals("completed"));

    JsonNode trials = http.get("/api/v1/campaigns/" + campaignId + "/trials").json().get("trials");
    // The baseline (batch size 1) and the other three values, unless the strategy stopped early.
    assertThat(trials.size()).isBetween(3, 4);
    long measured =
        java.util.stream.StreamSupport.stream(trials.spliterator(), false)
            .filter(t -> t.has("objectiveValue"))
            .count();
    waitUpTo(Duration.ofSeconds(10))
        .until(
            d -> d.findElements(By.cssSelector("#trials-table tbody tr")).size() == trials.size());
    WebElement convergence = driver.findElement(By.id("chart-convergence"));
    waitUpTo(Duration.ofSeconds(10))
        .until(d -> String.valueOf(measured).equals(convergence.getDomAttribute("data-points")));
    WebElement canvas = convergence.findElement(By.tagName("canvas"));
    assertThat(canvas.getSize().getWidth()).isGreaterThan(100);
    assertThat(canvas.getSize().getHeight()).isGreaterThan(100);
    assertThat(driver.findElements(By.cssSelector("#chart-parallel canvas"))).hasSize(1);
    assertThat(driver.findElement(By.id("comparison")).getText()).contains("default", "best");

    ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
    screenshot("dashboard-campaign.png");

    // A trial's detail: its metric summaries with their confidence intervals.
    driver.findElement(By.cssSelector("#trials-table tbody tr")).click();
    WebElement detail =
        waitUpTo(Duration.ofSeconds(10))
            .until(d -> d.findElement(By.cssSelector("#trial-detail table.metrics")));
    assertThat(detail.getText()).contains("throughput_rps", "95 %");
    screenshot("dashboard-trial.png");

    // The list on a phone's width.
    driver.manage().window().setSize(new Dimension(390, 844));
    driver.get(base + "/#/");
    waitUpTo(Duration.ofSeconds(30))
        .until(
            d ->
                !d.findElements(By.cssSelector("#campaigns-table tr[data-campaign-id]")).isEmpty());
    screenshot("dashboard-phone.png");
    driver.get(base + "/#/campaigns/" + campaignId);
    waitUpTo(Duration.ofSeconds(30))
        .until(
            d -> d.findElements(By.cssSelector("#trials-table tbody tr")).size() == trials.size());
    screenshot("dashboard-phone-campaign.png");
    driver.manage().window().setSize(new Dimension(1366, 1000));
    for (String page : List.of("#/runtimes", "#/schedules", "#/studies")) {
      driver.get(base + "/" + page);
      waitUpTo(Duration.ofSeconds(30))
          .until(d -> !d.findElement(By.id("main")).getText().contains("Loading"));
      assertThat(driver.findElements(By.cssSelector("#main .error"))).as(page).isEmpty();
      if (page.equals("#/runtimes")) {
        // Knobs with the current configuration, and the deployments (none: nothing was pushed).
        waitUpTo(Duration.ofSeconds(10))
            .until(d -> !d.findElement(By.cssSelector(".deployments")).getText().isEmpty());
        assertThat(driver.findElement(By.id("main")).getText())
            .contains("batch_size", "quantization", "Deployments");
        screenshot("dashboard-runtimes.png");
      }
    }
    assertThat(driver.findElement(By.id("main")).getText()).contains("Studies (ask/tell)");
    List<String> severe =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .map(LogEntry::getMessage)
            .toList();
    assertThat(severe).as("errors in the page's console").isEmpty();
  }

  @Test
  void aStudysParetoFrontASchedulesRowAndAFormMistakeAreShown() throws Exception {
    String base = "http://127.0.0.1:" + service.port();
    HttpJson.Response study =
        http.post(
            "/api/v1/studies",
            """
            {"name": "trade-off",
             "parameters": [{"name": "batch", "type": "ordinal", "values": [1, 2, 4, 8, 16, 32]}],
             "objectives": [{"name": "throughput", "direction": "maximize"},
                            {"name": "p95_ms", "direction": "minimize"}],
             "strategy": {"type": "random", "seed": 1}}
            """);
    assertThat(study.status()).as(study.body()).isEqualTo(201);
    String studyId = study.json().get("id").asText();
    JsonNode suggested =
        http.post("/api/v1/studies/" + studyId + "/suggestions", "{\"count\": 5}")
            .json()
            .get("trials");
    for (JsonNode t : suggested) {
      // Throughput and latency both grow with the batch: every trial is on the front.
      double batch = t.get("parameters").get("batch").asDouble();
      http.post(
          "/api/v1/studies/" + studyId + "/trials/" + t.get("id").asText() + "/complete",
          "{\"values\": {\"throughput\": "
              + (100 * batch)
              + ", \"p95_ms\": "
              + (10 + batch)
              + "}}");
    }
    HttpJson.Response schedule =
        http.post(
            "/api/v1/schedules",
            """
            {"name": "nightly", "cron": "0 3 * * *", "enabled": false,
             "template": {"runtime": "embedded", "budget": {"maxTrials": 5}}}
            """);
    assertThat(schedule.status()).as(schedule.body()).isEqualTo(201);

    driver.get(base + "/#/studies");
    WebElement link =
        waitUpTo(Duration.ofSeconds(30))
            .until(d -> d.findElement(By.cssSelector("#studies-table a")));
    assertThat(link.getText()).isEqualTo("trade-off");
    link.click();
    WebElement chart =
        waitUpTo(Duration.ofSeconds(30))
            .until(d -> d.findElement(By.cssSelector("#chart-study[data-front]")));
    assertThat(chart.getDomAttribute("data-front")).isEqualTo(String.valueOf(suggested.size()));
    assertThat(driver.findElements(By.cssSelector("#study-trials tbody tr")))
        .hasSize(suggested.size());
    screenshot("dashboard-study.png");

    driver.get(base + "/#/schedules");
    WebElement row =
        waitUpTo(Duration.ofSeconds(30))
            .until(d -> d.findElement(By.cssSelector("#schedules-table tbody tr")));
    assertThat(row.getText()).contains("nightly", "0 3 * * *");

    // A mistake the service finds: the form shows its message and the field it names.
    driver.get(base + "/#/");
    WebElement form =
        waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("new-campaign")));
    driver.findElement(By.cssSelector("#new-campaign-panel summary")).click();
    type(form, "maxTrials", "0");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    WebElement error =
        waitUpTo(Duration.ofSeconds(30))
            .until(
                d -> {
                  WebElement e = d.findElement(By.cssSelector("#new-campaign .form-error"));
                  return e.getText().isEmpty() ? null : e;
                });
    assertThat(error.getText()).contains("budget.maxTrials");
  }

  private static void screenshot(String name) throws Exception {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(target)).isPositive();
  }
}
