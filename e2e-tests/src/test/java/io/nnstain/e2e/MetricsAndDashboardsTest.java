package io.nnstain.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The metrics as an operator sees them: the local stack scraped by a real Prometheus while it trains; every
 * series docs/metrics.md lists is on its service's /q/metrics, and every query of every Grafana panel returns
 * data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsAndDashboardsTest {

    static final Path ROOT = Path.of(System.getProperty("nnstain.root", "..")).toAbsolutePath().normalize();
    static final Pattern ROW = Pattern.compile("^\\| `(nnstain_[a-z_]+)` \\| ([a-z-]+) \\|");

    private Pipeline pipeline;
    private Prometheus prometheus;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        pipeline = new Pipeline().start().startAnalyzer().startViz();
        prometheus = new Prometheus(pipeline.home.resolve("prometheus"), Map.of(
                "trainer-service", "127.0.0.1:" + pipeline.trainerPort,
                "trace-collector", "127.0.0.1:" + pipeline.collectorPort,
                "analyzer-service", "127.0.0.1:" + pipeline.analyzerPort,
                "viz-service", "127.0.0.1:" + pipeline.vizPort));
    }

    @AfterAll
    void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldServeEveryDocumentedMetricAndAnswerEveryDashboardQuery() throws Exception {
        // Given a short run trained, collected, analysed and drawn, with a page following it
        String run = pipeline.trainAndAwaitTrace(PipelineEndToEndTest.config("digits", "32,16", 6, "", 11));
        CompletableFuture<HttpResponse<Void>> page = http.sendAsync(HttpRequest.newBuilder(URI.create(
                Pipeline.url(pipeline.vizPort) + "/api/runs/" + run + "/events")).build(),
                HttpResponse.BodyHandlers.discarding());
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                .until(() -> Files.exists(pipeline.resultsDir().resolve(run).resolve("index.html")));
        assertEquals(200, get(Pipeline.url(pipeline.vizPort) + "/api/runs/" + run + "/stain.svg").statusCode());

        // Then every documented series is on its service's /q/metrics
        Map<String, String> documented = documented();
        assertTrue(documented.size() >= 20, "docs/metrics.md lists the metrics: " + documented.keySet());
        Map<String, Integer> ports = Map.of("trainer-service", pipeline.trainerPort, "trace-collector",
                pipeline.collectorPort, "analyzer-service", pipeline.analyzerPort, "viz-service", pipeline.vizPort);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, String> m : documented.entrySet()) {
                String body = get(Pipeline.url(ports.get(m.getValue())) + "/q/metrics").body();
                if (!Pattern.compile("(?m)^" + m.getKey() + "[{ ]").matcher(body).find()) {
                    missing.add(m.getKey() + " on " + m.getValue());
                }
            }
            assertTrue(missing.isEmpty(), "documented but not served: " + missing);
        });

        // ... and every panel's query, as Grafana would send it, returns data from Prometheus
        List<String> queries = dashboardQueries();
        assertTrue(queries.size() >= 20, "the dashboards' queries: " + queries.size());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            List<String> empty = new ArrayList<>();
            for (String q : queries) {
                JsonNode answer = prometheus.query(q);
                if (!"success".equals(answer.path("status").asText()) || answer.path("data").path("result").isEmpty()) {
                    empty.add(q + " → " + answer);
                }
            }
            assertTrue(empty.isEmpty(), "panel queries without data: " + String.join("\n", empty));
        });
        page.cancel(true);
    }

    /** Series → service, from the table in docs/metrics.md. */
    static Map<String, String> documented() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("docs/metrics.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    /** Every target's expression of every panel, with Grafana's variables as the dashboards' defaults set them. */
    static List<String> dashboardQueries() throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("deploy/grafana/dashboards"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode d = Pipeline.JSON.readTree(f.toFile());
                for (JsonNode panel : d.path("panels")) {
                    for (JsonNode t : panel.path("targets")) {
                        out.add(t.path("expr").asText().replace("$run", ".*").replace("$__rate_interval", "1m"));
                    }
                }
            }
        }
        return out;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
