package io.nnstain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml as Docker would read it, without a Docker engine: Debian's docker-compose validates and
 * resolves it; then every long-running service has a health check, every service of ours is built from its
 * src/main/docker/Dockerfile.jvm, every image is pinned by tag, and Grafana's datasource and dashboards come
 * from files in the repository.
 */
class ComposeFileTest {

    static final File COMPOSE = new File(System.getProperty("nnstain.docker-compose", "/usr/bin/docker-compose"));
    static final Path ROOT = MetricsAndDashboardsTest.ROOT;
    static final List<String> OURS = List.of("trainer-service", "trace-collector", "analyzer-service", "viz-service");

    @Test
    void shouldValidateWithDockerComposeAndCheckEveryServiceAndProvisionGrafanaFromFiles() throws Exception {
        if (!COMPOSE.canExecute()) {
            throw new IllegalStateException("this test needs " + COMPOSE + " (Debian: apt-get install docker-compose;"
                    + " .ci/run does this)");
        }
        // When docker-compose validates and resolves the file
        Process p = new ProcessBuilder(COMPOSE.getPath(), "-f", ROOT.resolve("docker-compose.yml").toString(), "config")
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "docker-compose config: " + out);
        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(out).path("services");

        // Then every service that keeps running has a health check, and every image is pinned
        List<String> problems = new ArrayList<>();
        for (var it = services.fields(); it.hasNext(); ) {
            var s = it.next();
            boolean oneShot = "no".equals(s.getValue().path("restart").asText("no"))
                    && s.getKey().equals("kafka-topics");
            if (!oneShot && s.getValue().path("healthcheck").path("test").isMissingNode()) {
                problems.add(s.getKey() + " has no health check");
            }
            String image = s.getValue().path("image").asText();
            if (!image.matches("[a-z0-9./-]+:[A-Za-z0-9._-]+") || image.endsWith(":latest")) {
                problems.add(s.getKey() + " image '" + image + "' is not pinned by tag");
            }
        }
        for (String ours : OURS) {
            JsonNode s = services.path(ours);
            assertTrue(s.path("healthcheck").path("test").toString().contains("/q/health/ready"), ours + " health check");
            Path dockerfile = Path.of(s.path("build").path("context").asText())
                    .resolve(s.path("build").path("dockerfile").asText());
            if (!Files.exists(dockerfile) || !dockerfile.endsWith(Path.of("src/main/docker/Dockerfile.jvm"))) {
                problems.add(ours + " is not built from its src/main/docker/Dockerfile.jvm: " + dockerfile);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(services.has("kafka") && services.path("kafka").path("image").asText().startsWith("apache/kafka:"));
        assertTrue(services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText().contains("controller"),
                "Kafka in KRaft mode");

        // ... and Grafana is provisioned from files in the repository
        String grafanaVolumes = services.path("grafana").path("volumes").toString();
        assertTrue(grafanaVolumes.contains("deploy/grafana/provisioning"), grafanaVolumes);
        assertTrue(grafanaVolumes.contains("deploy/grafana/dashboards"), grafanaVolumes);
        assertTrue(Files.readString(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml"))
                .contains("type: prometheus"));
        assertTrue(Files.readString(ROOT.resolve("deploy/grafana/provisioning/dashboards/dashboards.yml"))
                .contains("/var/lib/grafana/dashboards"));
        try (var files = Files.list(ROOT.resolve("deploy/grafana/dashboards"))) {
            assertEquals(3, files.filter(f -> f.toString().endsWith(".json")).count(), "training, pipeline, structures");
        }
        assertTrue(services.path("prometheus").path("volumes").toString().contains("deploy/prometheus/prometheus.yml"));
    }
}
