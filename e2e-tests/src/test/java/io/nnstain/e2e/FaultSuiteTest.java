package io.nnstain.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nnstain.localkafka.LocalKafkaBroker;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.topics.Topics;
import io.nnstain.store.Duck;
import io.nnstain.store.TraceStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Faults injected into a real stack while a seeded run trains, each compared with the same run undisturbed:
 * the collector killed at ten seeded moments, the analyzer killed between a run's last epoch and its finish
 * step, the trainer killed mid-epoch, the broker restarted. Nothing may be lost, doubled or left pending, and
 * every service must be ready afterwards. Counts are printed for docs/reliability.md.
 */
class FaultSuiteTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldStoreTheSameTraceWhenTheCollectorIsKilledAtTenSeededMoments() throws Exception {
        try (Pipeline pipeline = new Pipeline().start()) {
            ObjectNode spec = PipelineEndToEndTest.config("digits", "64,32", 40, "", 23);
            String reference = pipeline.trainAndAwaitTrace(spec);
            String disturbed = pipeline.submit(spec);
            // ten seeded moments: when the collector has stored that many epochs of the run (after each restart
            // it first reads again what it had not committed)
            TreeSet<Integer> moments = new TreeSet<>();
            Random random = new Random(23);
            while (moments.size() < 10) {
                moments.add(1 + random.nextInt(39));
            }
            int kills = 0;
            int storedBefore = 0;
            for (int moment : moments) {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                        .until(() -> pipeline.assembled(disturbed).size() >= moment);
                storedBefore = pipeline.assembled(disturbed).size();
                pipeline.killCollector();
                kills++;
                pipeline.startCollector();
            }
            pipeline.awaitTrained(disturbed);
            pipeline.awaitStored(disturbed);
            Traces.assertSame(pipeline, reference, disturbed, 41);
            await().atMost(Duration.ofSeconds(30)).until(() -> pending(pipeline) == 0);
            assertTrue(pipeline.allReady());
            System.out.printf("fault collector-kill: %d kills at %s stored epochs (the last at %d of 41); trace identical,"
                    + " 0 missing, 0 duplicate rows, 0 pending%n", kills, moments, storedBefore);
        }
    }

    @Test
    void shouldFinishTheAnalysisWhenTheAnalyzerIsKilledBetweenTheLastEpochAndItsFinishStep() throws Exception {
        try (Pipeline pipeline = new Pipeline().start().startAnalyzer()) {
            ObjectNode spec = PipelineEndToEndTest.config("digits", "64,32", 12, "", 29);
            spec.put("probe_set_size", 10_000);
            String reference = pipeline.trainAndAwaitTrace(spec);
            Path referenceVerification = structures(pipeline, reference).resolve("verification.json");
            await().atMost(Duration.ofMinutes(1)).until(() -> Files.exists(referenceVerification));

            String disturbed = pipeline.submit(spec);
            Path dir = structures(pipeline, disturbed);
            // the moment the final epoch's structures are stored, before emergence and verification are written
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(2))
                    .until(() -> Files.exists(dir.resolve("epoch=12.json")));
            Pipeline.kill(pipeline.analyzer);
            boolean hit = !Files.exists(dir.resolve("emergence.json")) || !Files.exists(dir.resolve("verification.json"));
            assertTrue(hit, "the kill came after the finish step; nothing was tested");
            pipeline.startAnalyzer();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.exists(dir.resolve("verification.json")) && Files.exists(dir.resolve("emergence.json")));
            JsonNode expected = Pipeline.JSON.readTree(referenceVerification.toFile());
            JsonNode actual = Pipeline.JSON.readTree(dir.resolve("verification.json").toFile());
            ((ObjectNode) expected).remove("run_id");
            ((ObjectNode) actual).remove("run_id");
            assertEquals(expected, actual, "the same verification as the undisturbed run");
            Traces.assertSame(pipeline, reference, disturbed, 13);
            assertTrue(pipeline.allReady());
            System.out.println("fault analyzer-kill: killed after E_12's structures, before the finish step; emergence"
                    + " and verification written at restart, equal to the undisturbed run's");
        }
    }

    @Test
    void shouldKeepEveryCompleteEpochAndMarkTheRunWhenTheTrainerIsKilledMidEpoch() throws Exception {
        Pipeline p = new Pipeline();
        p.collectorSettings.put("nnstain.abandon-after", "5s");
        try (Pipeline pipeline = p.start()) {
            String run = pipeline.submit(PipelineEndToEndTest.config("digits", "128,64", 500, "", 31));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> pipeline.assembled(run).size() >= 3);
            Pipeline.kill(pipeline.trainer);
            // Then the run is marked abandoned once it has been silent for the abandon time
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "ABANDONED".equals(pipeline.client().manifest(run).path("status").asText()));
            await().atMost(Duration.ofSeconds(30)).until(() -> pending(pipeline) == 0);
            // and every epoch whose seal and snapshots all reached Kafka is stored, and no other
            Set<Integer> complete = completeOnTheTopics(pipeline, run);
            assertEquals(complete, new TreeSet<>(pipeline.assembled(run)), "stored = complete on the topics");
            assertNoDuplicates(pipeline, run);
            pipeline.startTrainer();
            assertTrue(pipeline.allReady());
            System.out.printf("fault trainer-kill: killed mid-run after %d complete epochs; all %d stored, run ABANDONED,"
                    + " 0 pending%n", complete.size(), complete.size());
        }
    }

    @Test
    void shouldLoseNothingWhenTheBrokerRestartsMidRun() throws Exception {
        Path kafkaDir = Files.createTempDirectory("nnstain-kafka-restart-");
        int port = LocalKafkaBroker.freePort();
        LocalKafkaBroker broker = LocalKafkaBroker.start(kafkaDir, port, Duration.ofSeconds(90));
        try (Pipeline pipeline = new Pipeline(broker.bootstrapServers()).start()) {
            ObjectNode spec = PipelineEndToEndTest.config("digits", "64,32", 40, "", 37);
            String reference = pipeline.trainAndAwaitTrace(spec);
            String disturbed = pipeline.submit(spec);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> pipeline.assembled(disturbed).size() >= 5);
            int storedAtStop = pipeline.assembled(disturbed).size();
            long stopped = System.nanoTime();
            broker.close();
            broker = LocalKafkaBroker.start(kafkaDir, port, Duration.ofSeconds(90));
            double outage = (System.nanoTime() - stopped) / 1e9;
            pipeline.awaitTrained(disturbed);
            pipeline.awaitStored(disturbed);
            Traces.assertSame(pipeline, reference, disturbed, 41);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(pipeline::allReady);
            assertEquals(0, pending(pipeline));
            System.out.printf("fault broker-restart: broker down %.1f s after %d of 41 epochs stored; trace identical,"
                    + " 0 missing, 0 duplicate rows, 0 pending%n", outage, storedAtStop);
        } finally {
            broker.close();
            try (var files = Files.walk(kafkaDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void shouldFailTheRunVisiblyWhenTheBrokerIsGoneLongerThanTheDeliveryTimeout() throws Exception {
        Path kafkaDir = Files.createTempDirectory("nnstain-kafka-outage-");
        int port = LocalKafkaBroker.freePort();
        LocalKafkaBroker broker = LocalKafkaBroker.start(kafkaDir, port, Duration.ofSeconds(90));
        Pipeline p = new Pipeline(broker.bootstrapServers());
        p.trainerSettings.put("nnstain.delivery-timeout", "5s");
        p.collectorSettings.put("nnstain.abandon-after", "5s");
        try (Pipeline pipeline = p.start()) {
            String run = pipeline.submit(PipelineEndToEndTest.config("digits", "128,64", 500, "", 41));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> pipeline.assembled(run).size() >= 2);
            broker.close();
            long stopped = System.nanoTime();
            // Then the trainer fails the run and says why, instead of training on into the void
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> pipeline.client().run(run).path("state").asText().equals("FAILED"));
            double after = (System.nanoTime() - stopped) / 1e9;
            String error = pipeline.client().run(run).path("error").asText();
            assertTrue(error.contains("did not acknowledge the trace within 5 s (is the broker down?)"), error);
            // and once the broker is back, the collector marks the run (it never got a RunFinished) and every
            // service is ready
            broker = LocalKafkaBroker.start(kafkaDir, port, Duration.ofSeconds(90));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "ABANDONED".equals(pipeline.client().manifest(run).path("status").asText()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(pipeline::allReady);
            assertNoDuplicates(pipeline, run);
            System.out.printf("fault broker-outage: broker gone for longer than the 5 s delivery timeout; run FAILED"
                    + " %.1f s after the broker stopped (\"%s\"), then ABANDONED in the store; %d epochs kept%n", after,
                    error.length() > 120 ? error.substring(0, 120) + "…" : error, pipeline.assembled(run).size());
        } finally {
            broker.close();
            try (var files = Files.walk(kafkaDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static Path structures(Pipeline pipeline, String run) {
        return pipeline.runDir(run).resolve(TraceStore.structures("z-plus_c0.800_m0.100", ""));
    }

    private static void assertNoDuplicates(Pipeline pipeline, String run) throws Exception {
        String b = "read_parquet(" + Duck.literal(pipeline.runDir(run) + "/epoch=*/neurons-*.parquet")
                + ", hive_partitioning = true)";
        try (Connection c = Duck.connect(); Statement st = c.createStatement()) {
            assertEquals(Traces.scalar(st, "SELECT count(*) FROM " + b),
                    Traces.scalar(st, "SELECT count(DISTINCT (epoch, layer, neuron)) FROM " + b), "no duplicate rows");
        }
    }

    /** Epochs of the run whose EpochSealed and every snapshot it counts are on the topics. */
    private static Set<Integer> completeOnTheTopics(Pipeline pipeline, String run) {
        AvroSerde serde = new AvroSerde();
        Map<Integer, Integer> expected = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : pipeline.readAll(Topics.EPOCHS)) {
            EpochSealed s = serde.decode(r.value(), EpochSealed.class);
            if (s.getRunId().equals(run)) {
                expected.put(s.getEpoch(), s.getSnapshotsPerLayer().stream().mapToInt(Integer::intValue).sum());
            }
        }
        Map<Integer, Set<String>> seen = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : pipeline.readAll(Topics.NEURONS)) {
            NeuronSnapshot s = serde.decode(r.value(), NeuronSnapshot.class);
            if (s.getRunId().equals(run)) {
                seen.computeIfAbsent(s.getEpoch(), e -> new HashSet<>()).add(r.key());
            }
        }
        Set<Integer> complete = new TreeSet<>();
        expected.forEach((epoch, count) -> {
            if (seen.getOrDefault(epoch, Set.of()).size() == count) {
                complete.add(epoch);
            }
        });
        assertFalse(complete.isEmpty(), "no complete epoch on the topics");
        return complete;
    }

    private long pending(Pipeline pipeline) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(Pipeline.url(pipeline.collectorPort) + "/q/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith("nnstain_collector_epochs_pending ")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no nnstain_collector_epochs_pending on the collector");
    }
}
