package io.infertune.runtime.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.measure.MetricSourceException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scrapes over real HTTP on loopback, against a server that plays the runtime. */
class PrometheusScraperTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void asksForTheTextFormatAndParsesThePage() throws Exception {
    try (PageServer server = PageServer.serving(Pages.read("prometheus-docs.txt"));
        PrometheusScraper scraper = new PrometheusScraper(server.url(), TIMEOUT)) {
      List<MetricFamily> families = scraper.scrape();

      assertThat(families).hasSize(6);
      assertThat(server.acceptHeaders()).containsExactly("text/plain;version=0.0.4");
    }
  }

  @Test
  void eachScrapeReadsThePageAsItIsThen() throws Exception {
    try (PageServer server = PageServer.serving("requests_total 1\n", "requests_total 5\n");
        PrometheusScraper scraper = new PrometheusScraper(server.url(), TIMEOUT)) {
      double first = scraper.scrape().get(0).samples().get(0).value();
      double second = scraper.scrape().get(0).samples().get(0).value();

      assertThat(first).isEqualTo(1);
      assertThat(second).isEqualTo(5);
      assertThat(server.requests()).isEqualTo(2);
    }
  }

  @Test
  void aRefusedConnectionIsAMetricSourceExceptionNamingTheUrl() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there now
    }
    URI url = URI.create("http://127.0.0.1:" + port + "/metrics");

    try (PrometheusScraper scraper = new PrometheusScraper(url, TIMEOUT)) {
      assertThatThrownBy(scraper::scrape)
          .isInstanceOf(MetricSourceException.class)
          .hasMessageContaining(url.toString())
          .hasMessageContaining("connection refused");
    }
  }

  @Test
  void anErrorStatusIsAMetricSourceExceptionWithTheStatusAndBody() throws Exception {
    try (PageServer server = PageServer.answering(500, "engine core died\n");
        PrometheusScraper scraper = new PrometheusScraper(server.url(), TIMEOUT)) {
      assertThatThrownBy(scraper::scrape)
          .isInstanceOf(MetricSourceException.class)
          .hasMessageContaining("answered HTTP 500: engine core died");
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutAfterTheConfiguredTimeout() throws Exception {
    Duration timeout = Duration.ofMillis(300);
    try (PageServer server = PageServer.neverAnswering();
        PrometheusScraper scraper = new PrometheusScraper(server.url(), timeout)) {
      long start = System.nanoTime();

      assertThatThrownBy(scraper::scrape)
          .isInstanceOf(MetricSourceException.class)
          .hasMessageContaining("timed out after PT0.3S");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
      assertThat(server.requests()).isEqualTo(1);
    }
  }

  @Test
  void aMalformedPageIsAMetricSourceExceptionWithTheLineNumber() throws Exception {
    String page = "# TYPE up gauge\nup 1\nup{job=\"x\" 1\n";
    try (PageServer server = PageServer.serving(page);
        PrometheusScraper scraper = new PrometheusScraper(server.url(), TIMEOUT)) {
      assertThatThrownBy(scraper::scrape)
          .isInstanceOf(MetricSourceException.class)
          .hasMessageContaining("is not a valid metrics page: line 3: ")
          .hasCauseInstanceOf(PrometheusParseException.class);
    }
  }

  @Test
  void rejectsAUrlItCannotScrapeAndATimeoutThatIsNotPositive() {
    assertThatThrownBy(() -> new PrometheusScraper(URI.create("file:///metrics"), TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http");
    assertThatThrownBy(
            () -> new PrometheusScraper(URI.create("http://127.0.0.1:1/metrics"), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }
}
