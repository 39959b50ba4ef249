package io.nnstain.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nnstain.localkafka.LocalKafkaBroker;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real Prometheus (Debian's {@code prometheus}; .ci/run installs it) scraping the given services every second,
 * on 127.0.0.1, with its data in a folder of its own.
 */
final class Prometheus implements AutoCloseable {

    static final File BINARY = new File(System.getProperty("nnstain.prometheus", "/usr/bin/prometheus"));

    final int port = LocalKafkaBroker.freePort();
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    /** @param targets job name → host:port of a service serving /q/metrics */
    Prometheus(Path dir, Map<String, String> targets) {
        if (!BINARY.canExecute()) {
            throw new IllegalStateException("the dashboard test needs a real Prometheus: " + BINARY
                    + " (Debian: apt-get install prometheus; .ci/run does this)");
        }
        StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                + "scrape_configs:\n");
        targets.forEach((job, target) -> config.append("  - job_name: ").append(job)
                .append("\n    metrics_path: /q/metrics\n    static_configs:\n      - targets: [\"").append(target)
                .append("\"]\n"));
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("prometheus.yml");
            Files.writeString(file, config);
            process = new ProcessBuilder(BINARY.getPath(), "--config.file=" + file,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + BINARY, e);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited; see " + dir.resolve("prometheus.log"));
            }
            try {
                return get("/-/ready").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** An instant query's answer: {"status": …, "data": {"result": […]}}. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return Pipeline.JSON.readTree(r.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
