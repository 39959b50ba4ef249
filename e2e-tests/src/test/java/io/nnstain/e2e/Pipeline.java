package io.nnstain.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nnstain.cli.ServiceClient;
import io.nnstain.cli.StackLauncher;
import io.nnstain.cli.StackState;
import io.nnstain.localkafka.LocalKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The packaged trainer, collector and (when asked) analyzer as separate processes against the test broker, with a topic prefix,
 * consumer group and data folder of their own.
 */
final class Pipeline implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final String bootstrap;
    final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
    final Path home;
    final Path dataDir;
    final StackLauncher launcher;
    final int trainerPort = LocalKafkaBroker.freePort();
    final int collectorPort = LocalKafkaBroker.freePort();
    final int analyzerPort = LocalKafkaBroker.freePort();
    final int vizPort = LocalKafkaBroker.freePort();
    /** extra system properties of the collector, such as a short nnstain.abandon-after */
    final Map<String, String> collectorSettings = new HashMap<>();
    /** extra system properties of the trainer, such as a short nnstain.delivery-timeout */
    final Map<String, String> trainerSettings = new HashMap<>();
    Process trainer;
    Process collector;
    Process analyzer;
    Process viz;

    Pipeline() {
        this(KafkaForTests.bootstrapServers());
    }

    /** Against a broker of the test's own, such as one it restarts. */
    Pipeline(String bootstrap) {
        this.bootstrap = bootstrap;
        try {
            home = Files.createTempDirectory("nnstain-e2e-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dataDir = home.resolve("data");
        Path root = Path.of(System.getProperty("nnstain.root", "..")).toAbsolutePath().normalize();
        launcher = new StackLauncher(new StackLauncher.Layout(root, home, dataDir), System.out);
        try {
            Files.createDirectories(home.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Pipeline start() {
        startCollector();
        startTrainer();
        return this;
    }

    void startTrainer() {
        Map<String, String> props = new HashMap<>(trainerSettings);
        props.put("nnstain.kafka-bootstrap-servers", bootstrap);
        props.put("nnstain.topic-prefix", prefix);
        trainer = launcher.startService("trainer-service", trainerPort, props, false);
        launcher.awaitReady("trainer-service", url(trainerPort), trainer, Duration.ofSeconds(90));
    }

    void startCollector() {
        Map<String, String> props = collectorProps("nnstain-collector-" + prefix, dataDir);
        props.putAll(collectorSettings);
        collector = launcher.startService("trace-collector", collectorPort, props, false);
        launcher.awaitReady("trace-collector", url(collectorPort), collector, Duration.ofSeconds(90));
    }

    /** The packaged analyzer, reading the collector's data folder and announcements. */
    Pipeline startAnalyzer() {
        analyzer = launcher.startService("analyzer-service", analyzerPort, collectorProps("nnstain-analyzer-" + prefix,
                dataDir), false);
        launcher.awaitReady("analyzer-service", url(analyzerPort), analyzer, Duration.ofSeconds(90));
        return this;
    }

    /** The packaged viz service, writing each run's pictures to {@link #resultsDir()}. */
    Pipeline startViz() {
        Map<String, String> props = collectorProps("nnstain-viz-" + prefix, dataDir);
        props.put("nnstain.results-dir", resultsDir().toString());
        props.put("nnstain.collector-url", url(collectorPort));
        viz = launcher.startService("viz-service", vizPort, props, false);
        launcher.awaitReady("viz-service", url(vizPort), viz, Duration.ofSeconds(90));
        return this;
    }

    Path resultsDir() {
        return home.resolve("results");
    }

    Map<String, String> collectorProps(String group, Path data) {
        Map<String, String> props = new HashMap<>();
        props.put("nnstain.kafka-bootstrap-servers", bootstrap);
        props.put("nnstain.topic-prefix", prefix);
        props.put("nnstain.consumer-group", group);
        props.put("nnstain.data-dir", data.toString());
        return props;
    }

    static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    ServiceClient client() {
        return new ServiceClient(new StackState(bootstrap, url(trainerPort), url(collectorPort), url(analyzerPort),
                url(vizPort), dataDir.toString(),
                List.of(), true));
    }

    /** Submits a run and waits until the trainer finished it and the collector stored every scanned epoch. */
    String trainAndAwaitTrace(JsonNode config) {
        String run = submit(config);
        awaitTrained(run);
        awaitStored(run);
        return run;
    }

    String submit(JsonNode config) {
        return client().submitRun(config).path("run_id").asText();
    }

    void awaitTrained(String run) {
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String state = client().run(run).path("state").asText();
            if (state.equals("FAILED") || state.equals("DIVERGED")) {
                throw new AssertionError("run " + run + " " + state + ": " + client().run(run).path("error").asText());
            }
            return state.equals("COMPLETED");
        });
    }

    void awaitStored(String run) {
        Set<Integer> scanned = new HashSet<>();
        client().run(run).path("scanned_epochs").forEach(e -> scanned.add(e.asInt()));
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> assembled(run).containsAll(scanned) && Files.exists(runDir(run).resolve("finished.json")));
    }

    Set<Integer> assembled(String run) {
        Set<Integer> epochs = new HashSet<>();
        Path dir = runDir(run);
        if (!Files.isDirectory(dir)) {
            return epochs;
        }
        try (var s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("epoch="))
                    .filter(n -> Files.exists(dir.resolve(n).resolve(io.nnstain.store.TraceStore.ASSEMBLED_FILE)))
                    .forEach(n -> epochs.add(Integer.parseInt(n.substring(6))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return epochs;
    }

    Path runDir(String run) {
        return dataDir.resolve("runs").resolve(run);
    }

    /** kill -9: no shutdown hook, no last commit. */
    void killCollector() throws InterruptedException {
        kill(collector);
    }

    /** kill -9 of one of this pipeline's processes. */
    static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor();
    }

    /** Every service of this pipeline answers ready. */
    boolean allReady() {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (int port : new int[] {trainerPort, collectorPort, analyzerPort, vizPort}) {
            Process p = port == trainerPort ? trainer : port == collectorPort ? collector : port == analyzerPort ? analyzer : viz;
            if (p == null) {
                continue;
            }
            try {
                if (http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url(port) + "/q/health/ready")).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Every record of a topic (of this pipeline's namespace) up to its current end, all partitions. */
    List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> readAll(io.nnstain.schemas.topics.Topic topic) {
        return io.nnstain.schemas.messaging.TopicReader.readAll(bootstrap,
                new io.nnstain.schemas.topics.TopicNamespace(prefix).name(topic), Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        for (Process p : new Process[] {trainer, collector, analyzer, viz}) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : new Process[] {trainer, collector, analyzer, viz}) {
            if (p != null) {
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        // the services' logs, data and pictures; kept with -Dnnstain.keep-test-homes=true to look at them
        if (!Boolean.getBoolean("nnstain.keep-test-homes")) {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + home + ": " + e.getMessage());
            }
        }
    }
}
