package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * {@code target/}; and, on a service with API tokens, the sign-in, the roles, and the live streams
 * that carry the token.
 */
class DashboardBrowserTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
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
    // The network as DevTools sees it, for the request headers the secured test checks.
    logs.enable(LogType.PERFORMANCE, Level.INFO);
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

  /**
   * Opens the start form and fills it for a short campaign: the batch size only, over four values,
   * with short windows and a short promotion.
   */
  private static void fillShortCampaign(WebElement form, String name, int maxTrials) {
    driver.findElement(By.cssSelector("#new-campaign-panel summary")).click();
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
    type(form, "name", name);
    new Select(form.findElement(By.name("strategy"))).selectByVisibleText("random");
    type(form, "seed", "3");
    type(form, "maxTrials", String.valueOf(maxTrials));
    type(form, "warmupSeconds", "0.2");
    type(form, "windowSeconds", "1");
    type(form, "roundsPerArm", "2");
    type(form, "watchSeconds", "0");
  }

  @Test
  void aCampaignStartedFromTheFormIsFollowedLiveAndPlotted() throws Exception {
    String base = "http://127.0.0.1:" + service.port();
    driver.get(base + "/");
    WebElement form =
        waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("new-campaign")));
    fillShortCampaign(form, "from the browser", 4);
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

  /** The token the page keeps for this tab, or null. */
  private static Object storedToken() {
    return ((JavascriptExecutor) driver)
        .executeScript("return sessionStorage.getItem('infertune.apiToken')");
  }

  private static void signIn(String token) {
    WebElement form =
        waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("sign-in-form")));
    type(form, "token", token);
    form.findElement(By.cssSelector("button[type=submit]")).click();
  }

  /**
   * The Authorization headers of the requests to {@code path} since the performance log was last
   * read, as DevTools saw them sent (one entry per request; null where none was sent).
   */
  private static List<String> authorizationsSentTo(String path) throws Exception {
    List<String> found = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE).getAll()) {
      JsonNode message = MAPPER.readTree(e.getMessage()).get("message");
      if (!message.get("method").asText().equals("Network.requestWillBeSent")) {
        continue;
      }
      JsonNode request = message.get("params").get("request");
      if (!URI.create(request.get("url").asText()).getPath().equals(path)) {
        continue;
      }
      String authorization = null;
      for (Map.Entry<String, JsonNode> h : request.get("headers").properties()) {
        if (h.getKey().equalsIgnoreCase("authorization")) {
          authorization = h.getValue().asText();
        }
      }
      found.add(authorization);
    }
    return found;
  }

  @Test
  void aSecuredDashboardAsksForATokenAndOffersOnlyWhatItsRolePermits(@TempDir Path securedDir)
      throws Exception {
    String operator = SecuredServiceTest.createToken(securedDir, "operator", "ci-bot");
    String viewer = SecuredServiceTest.createToken(securedDir, "viewer", "dash");
    // Tokens exist: the API needs one, even on loopback.
    try (Infertune secured = Infertune.start(new ServiceConfig("127.0.0.1", 0, securedDir))) {
      String base = "http://127.0.0.1:" + secured.port();
      BearerHttp api = new BearerHttp(secured.port());
      // Forget the other tests' requests and console lines: only this test's are checked below.
      driver.manage().logs().get(LogType.PERFORMANCE);
      driver.manage().logs().get(LogType.BROWSER);

      // Every call answers 401: the sign-in panel instead of broken pages.
      driver.get(base + "/");
      WebElement tokenInput =
          waitUpTo(Duration.ofSeconds(30))
              .until(d -> d.findElement(By.cssSelector("#sign-in-form input[name=token]")));
      assertThat(tokenInput.getDomAttribute("type")).isEqualTo("password");
      assertThat(driver.findElements(By.id("campaigns-table"))).isEmpty();
      assertThat(driver.findElement(By.id("identity")).isDisplayed()).isFalse();
      screenshot("dashboard-sign-in.png");

      // A wrong token is refused with the service's message, and not kept.
      signIn("itk_wrong");
      WebElement refusal =
          waitUpTo(Duration.ofSeconds(10))
              .until(
                  d -> {
                    WebElement e = d.findElement(By.cssSelector("#sign-in-form .form-error"));
                    return e.getText().isEmpty() ? null : e;
                  });
      assertThat(refusal.getText()).contains("not valid");
      assertThat(storedToken()).isNull();

      // The operator starts a campaign from the form; its trials arrive live, without a reload.
      signIn(operator);
      WebElement form =
          waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("new-campaign")));
      assertThat(driver.findElement(By.id("identity-name")).getText())
          .isEqualTo("ci-bot (operator)");
      assertThat(storedToken()).isEqualTo(operator);
      fillShortCampaign(form, "signed in", 3);
      ((JavascriptExecutor) driver).executeScript("window.__sameDocument = true;");
      form.findElement(By.cssSelector("button[type=submit]")).click();
      String campaignId =
          waitUpTo(Duration.ofSeconds(30))
              .until(
                  d ->
                      d.findElement(By.cssSelector("#campaigns-table tr[data-campaign-id]"))
                          .getDomAttribute("data-campaign-id"));
      // Only the stream's events reload the list after the start: without the token the stream
      // would get 401 and no finished trial would show.
      waitUpTo(Duration.ofMinutes(1))
          .until(
              d ->
                  Integer.parseInt(
                          d.findElement(
                                  By.cssSelector(
                                      "#campaigns-table tr[data-campaign-id='"
                                          + campaignId
                                          + "'] .trials-finished"))
                              .getDomAttribute("data-finished"))
                      >= 1);
      assertThat(
              ((JavascriptExecutor) driver).executeScript("return window.__sameDocument === true"))
          .isEqualTo(true);
      assertThat(authorizationsSentTo("/api/v1/events"))
          .isNotEmpty()
          .allSatisfy(a -> assertThat(a).isEqualTo("Bearer " + operator));

      // The campaign's own stream carries the token too: its snapshot fills the trial table.
      driver
          .findElement(
              By.cssSelector("#campaigns-table tr[data-campaign-id='" + campaignId + "'] td a"))
          .click();
      waitUpTo(Duration.ofSeconds(30))
          .until(d -> !d.findElements(By.cssSelector("#trials-table tbody tr")).isEmpty());
      assertThat(authorizationsSentTo("/api/v1/campaigns/" + campaignId + "/events"))
          .isNotEmpty()
          .allSatisfy(a -> assertThat(a).isEqualTo("Bearer " + operator));
      // An export is a download: a plain link would go without the token.
      driver.findElement(By.cssSelector("#campaign-head a.export")).click();
      List<String> exports =
          waitUpTo(Duration.ofSeconds(10))
              .until(
                  d -> {
                    try {
                      List<String> sent =
                          authorizationsSentTo("/api/v1/campaigns/" + campaignId + "/export");
                      return sent.isEmpty() ? null : sent;
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
      assertThat(exports).containsOnly("Bearer " + operator);

      // Signing out forgets the token.
      driver.findElement(By.id("sign-out")).click();
      waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(By.id("sign-in-form")));
      assertThat(storedToken()).isNull();
      assertThat(driver.findElements(By.id("sign-in-refused"))).isEmpty();

      // A viewer sees the campaigns, but the controls that change things are disabled, saying why.
      driver.get(base + "/#/");
      signIn(viewer);
      waitUpTo(Duration.ofSeconds(30))
          .until(
              d ->
                  d.findElement(
                      By.cssSelector(
                          "#campaigns-table tr[data-campaign-id='" + campaignId + "']")));
      assertThat(driver.findElement(By.id("identity-name")).getText()).isEqualTo("dash (viewer)");
      WebElement start = driver.findElement(By.cssSelector("#new-campaign button[type=submit]"));
      assertThat(start.isEnabled()).isFalse();
      assertThat(start.getDomAttribute("title")).contains("operator", "'dash'", "viewer");
      screenshot("dashboard-viewer.png");

      // The viewer's stream works too: a campaign started elsewhere shows up without a reload,
      // its stop control disabled. One campaign per runtime: the first one ends before.
      ((JavascriptExecutor) driver).executeScript("window.__sameDocument = true;");
      api.post("/api/v1/campaigns/" + campaignId + "/stop", operator, null);
      waitUpTo(Duration.ofSeconds(30))
          .until(
              d -> {
                try {
                  JsonNode c = api.get("/api/v1/campaigns/" + campaignId, operator).json();
                  return !c.get("progress").get("active").asBoolean();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      BearerHttp.Response other =
          api.post(
              "/api/v1/campaigns",
              operator,
              """
              {"runtime": "embedded", "name": "started elsewhere",
               "parameters": [{"name": "batch_size", "type": "ordinal", "values": [1, 2]}],
               "budget": {"maxTrials": 2},
               "measurement": {"warmupSeconds": 0.2, "windowSeconds": 1}}
              """);
      assertThat(other.status()).as(other.body()).isEqualTo(201);
      String otherId = other.json().get("id").asText();
      WebElement stop =
          waitUpTo(Duration.ofSeconds(30))
              .until(
                  d ->
                      d.findElement(
                          By.cssSelector(
                              "#campaigns-table tr[data-campaign-id='" + otherId + "'] .stop")));
      assertThat(stop.isEnabled()).isFalse();
      assertThat(
              ((JavascriptExecutor) driver).executeScript("return window.__sameDocument === true"))
          .isEqualTo(true);
      assertThat(authorizationsSentTo("/api/v1/events")).contains("Bearer " + viewer);

      // A stored token the service refuses (revoked, mistyped): the sign-in says so.
      ((JavascriptExecutor) driver)
          .executeScript("sessionStorage.setItem('infertune.apiToken', 'itk_revoked')");
      driver.navigate().refresh();
      WebElement revoked =
          waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("sign-in-refused")));
      assertThat(revoked.getText()).contains("refused", "not valid");
      assertThat(storedToken()).isNull();

      api.post("/api/v1/campaigns/" + otherId + "/stop", operator, null);
      // The refused calls are logged as failed loads; nothing else may be.
      List<String> severe =
          driver.manage().logs().get(LogType.BROWSER).getAll().stream()
              .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
              .map(LogEntry::getMessage)
              .filter(m -> !m.contains("status of 401"))
              .toList();
      assertThat(severe).as("errors in the page's console").isEmpty();
    }
  }

  /**
   * The stream reader alone, in the page, against a stand-in fetch: the event-stream format cut at
   * awkward places (CRLF split between chunks, comments, multi-line data, an event without its
   * blank line), the resumption with Last-Event-ID after each drop, and the stop on 403.
   */
  @Test
  void theStreamReaderParsesTheFormatResumesWithLastEventIdAndStopsOn403() {
    driver.get("http://127.0.0.1:" + service.port() + "/");
    waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("campaigns-table")));
    @SuppressWarnings("unchecked")
    Map<String, Object> result =
        (Map<String, Object>)
            ((JavascriptExecutor) driver)
                .executeAsyncScript(
                    """
                    const done = arguments[arguments.length - 1];
                    const connections = [
                      ['retry: 1\\r', '\\n: keep-alive\\r\\n\\r\\nid: 7-1\\r\\nevent: snapshot\\r',
                       '\\ndata: {"a":\\r\\ndata:1}\\r\\n\\r\\nevent: trial-finished\\ndata: two\\n',
                       '\\nevent: trial-started\\ndata: lost'],
                      ['id: 7-2\\nevent: trial-finished\\ndata: three\\n\\n'],
                    ];
                    const sent = [];
                    const events = [];
                    const encoder = new TextEncoder();
                    const standIn = async (path, init) => {
                      sent.push({ path, headers: init.headers });
                      const chunks = connections[sent.length - 1];
                      if (!chunks) return new Response('{"error": "no more"}', { status: 403 });
                      const body = new ReadableStream({ start(c) {
                        chunks.forEach((t) => c.enqueue(encoder.encode(t)));
                        c.close();
                      } });
                      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
                    };
                    sessionStorage.setItem('infertune.apiToken', 'itk_test');
                    import('/ui/sse.js').then(({ followEvents }) => {
                      const record = (e) => events.push([e.type, e.data, e.id]);
                      followEvents('/stand-in', {
                        on: { snapshot: record, 'trial-finished': record, 'trial-started': record },
                        onFail: (e) => {
                          sessionStorage.removeItem('infertune.apiToken');
                          done({ events, sent, failed: e.status + ' ' + e.message });
                        },
                      }, { fetch: standIn, retryMs: 1 });
                    }).catch((e) => done({ error: String(e) }));
                    """);
    assertThat(result).doesNotContainKey("error");
    assertThat(result.get("events"))
        .isEqualTo(
            List.of(
                List.of("snapshot", "{\"a\":\n1}", "7-1"),
                List.of("trial-finished", "two", "7-1"),
                List.of("trial-finished", "three", "7-2")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> sent = (List<Map<String, Object>>) result.get("sent");
    // Three connections: the first, one resumption per drop, then the 403 that ends it.
    assertThat(sent).hasSize(3);
    List<Object> resumedFrom = new ArrayList<>();
    for (Map<String, Object> request : sent) {
      @SuppressWarnings("unchecked")
      Map<String, Object> headers = (Map<String, Object>) request.get("headers");
      assertThat(headers).containsEntry("authorization", "Bearer itk_test");
      resumedFrom.add(headers.get("last-event-id"));
    }
    assertThat(resumedFrom).containsExactly(null, "7-1", "7-2");
    assertThat(result.get("failed")).isEqualTo("403 no more");
  }

  private static void screenshot(String name) throws Exception {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(target)).isPositive();
  }
}
