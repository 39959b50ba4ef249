package io.nnstain.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.topics.Topic;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import io.nnstain.store.Duck;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Poison on every consumed topic while runs train: each record is dead-lettered with its reason, every
 * consumer stays up, memory comes back, and the runs before, during and after are traced and analysed whole.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonRecordsTest {

    /** Poison records per consumed topic. */
    static final int PER_TOPIC = 1000;

    private final HttpClient http = HttpClient.newHttpClient();
    private Pipeline pipeline;

    @BeforeAll
    void start() {
        pipeline = new Pipeline();
        // records of runs that never start are given up after 5 s of silence, not the default 10 minutes
        pipeline.collectorSettings.put("nnstain.abandon-after", "5s");
        pipeline.collectorSettings.put("nnstain.finished-grace", "2s");
        pipeline.start().startAnalyzer().startViz();
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldDeadLetterEveryPoisonRecordWithItsReasonAndKeepTracingRuns() throws Exception {
        // Given a finished run, and the services' heap after a full collection
        String before = pipeline.trainAndAwaitTrace(PipelineEndToEndTest.config("moons", "16,16", 4, "", 1));
        Map<String, Long> heapBefore = heaps();

        // When poison is produced on every consumed topic while a second run trains
        String during = pipeline.submit(PipelineEndToEndTest.config("digits", "32,16", 8, "", 2));
        Map<Topic, Class<? extends SpecificRecord>> consumed = new LinkedHashMap<>();
        consumed.put(Topics.RUNS, RunFinished.class);
        consumed.put(Topics.NEURONS, NeuronSnapshot.class);
        consumed.put(Topics.EPOCHS, EpochSealed.class);
        consumed.put(Topics.BATCHES, BatchSnapshot.class);
        consumed.put(Topics.ASSEMBLED, EpochAssembled.class);
        consumed.put(Topics.STRUCTURES, StructureSnapshot.class);
        TopicNamespace namespace = new TopicNamespace(pipeline.prefix);
        Poison poison = new Poison(42, before);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (int i = 0; i < PER_TOPIC; i++) {
                for (var topic : consumed.entrySet()) {
                    producer.send(new ProducerRecord<>(namespace.name(topic.getKey()), "poison-" + i,
                            poison.record(topic.getValue(), i)));
                }
            }
            producer.flush();
        }
        pipeline.awaitTrained(during);
        pipeline.awaitStored(during);

        // Then every poison record is on the dead-letter topic, once, with the reason
        Map<String, Integer> perTopic = new TreeMap<>();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .conditionEvaluationListener(c -> {
                    if (c.getRemainingTimeInMS() < 1500) {
                        System.out.println("dead letters per source topic: " + perTopic);
                    }
                }).until(() -> {
            perTopic.clear();
            for (ConsumerRecord<String, byte[]> r : pipeline.readAll(Topics.DEAD_LETTER)) {
                String source = header(r, "nnstain.source");
                String topic = consumed.keySet().stream().map(namespace::name).filter(source::startsWith)
                        .max(java.util.Comparator.comparingInt(String::length)).orElse(source);
                perTopic.merge(topic, 1, Integer::sum);
                assertTrue(header(r, "nnstain.error").length() > 10, "a reason: " + header(r, "nnstain.error"));
            }
            return consumed.keySet().stream().allMatch(t -> perTopic.getOrDefault(namespace.name(t), 0) >= PER_TOPIC);
        });
        for (Topic t : consumed.keySet()) {
            assertEquals(PER_TOPIC, perTopic.get(namespace.name(t)), "dead letters from " + namespace.name(t) + ": " + perTopic);
        }

        // and every consumer is still up, with nothing held in memory for the poison
        for (int port : new int[] {pipeline.collectorPort, pipeline.analyzerPort, pipeline.vizPort}) {
            assertEquals(200, get(Pipeline.url(port) + "/q/health/ready").statusCode(), "ready: " + port);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> metric(pipeline.collectorPort, "nnstain_collector_epochs_pending ") == 0);
        Map<String, Long> heapAfter = heaps();
        for (var e : heapAfter.entrySet()) {
            long grown = e.getValue() - heapBefore.get(e.getKey());
            System.out.printf("heap after a full GC, %s: %d MB before the poison, %d MB after%n", e.getKey(),
                    heapBefore.get(e.getKey()) >> 20, e.getValue() >> 20);
            assertTrue(grown < 64L << 20, e.getKey() + "'s heap grew by " + (grown >> 20) + " MB");
        }

        // and a record at the size limit is dead-lettered too (cut to leave room for the headers), not retried for ever
        byte[] huge = new byte[Topics.MAX_RECORD_BYTES - 200];
        new java.util.Random(7).nextBytes(huge);
        Properties big = new Properties();
        big.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrap);
        big.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_RECORD_BYTES);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(big, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(namespace.name(Topics.NEURONS), "at-the-limit", huge)).get();
        }
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> pipeline
                .readAll(Topics.DEAD_LETTER).stream().anyMatch(r -> "at-the-limit".equals(r.key())
                        && header(r, "nnstain.truncated-from").equals(String.valueOf(huge.length))));

        // and the run that trained through the poison, and one after it, are stored whole and analysed
        String after = pipeline.trainAndAwaitTrace(PipelineEndToEndTest.config("moons", "16,16", 4, "", 3));
        for (String run : new String[] {before, during, after}) {
            assertWhole(run);
            Set<Integer> scanned = new HashSet<>();
            pipeline.client().run(run).path("scanned_epochs").forEach(e -> scanned.add(e.asInt()));
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .until(() -> structuresPublished(run).containsAll(scanned));
        }
    }

    /** Every scanned epoch stored with one row per neuron of the topology, none twice. */
    private void assertWhole(String run) throws Exception {
        var manifest = pipeline.client().manifest(run);
        assertEquals("COMPLETED", manifest.path("status").asText(), run);
        int neurons = 0;
        for (var layer : manifest.path("topology").path("layers")) {
            neurons += layer.path("width").asInt();
        }
        Path files = pipeline.runDir(run).resolve("epoch=*").resolve("neurons-*.parquet");
        try (Connection c = Duck.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*), count(DISTINCT (epoch, layer, neuron)) FROM read_parquet("
                        + Duck.literal(files.toString()) + ", hive_partitioning = true)")) {
            rs.next();
            int epochs = manifest.path("scanned_epochs").size();
            assertEquals(epochs * neurons, rs.getInt(1), run + ": rows");
            assertEquals(epochs * neurons, rs.getInt(2), run + ": distinct neurons");
        }
    }

    private Set<Integer> structuresPublished(String run) {
        AvroSerde serde = new AvroSerde();
        Set<Integer> epochs = new HashSet<>();
        pipeline.readAll(Topics.STRUCTURES).stream().filter(r -> run.equals(r.key())).forEach(r -> {
            try {
                epochs.add(serde.decode(r.value(), StructureSnapshot.class).getEpoch());
            } catch (AvroSerde.BadRecordException poison) {
                // ours, keyed by a run of its own
            }
        });
        return epochs;
    }

    /** Each consuming service's used heap after a full garbage collection (jcmd GC.run). */
    private Map<String, Long> heaps() throws Exception {
        Map<String, Long> out = new TreeMap<>();
        Map<String, Process> services = Map.of("trace-collector", pipeline.collector, "analyzer-service",
                pipeline.analyzer, "viz-service", pipeline.viz);
        Map<String, Integer> ports = Map.of("trace-collector", pipeline.collectorPort, "analyzer-service",
                pipeline.analyzerPort, "viz-service", pipeline.vizPort);
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (var s : services.entrySet()) {
            Process gc = new ProcessBuilder(jcmd, String.valueOf(s.getValue().pid()), "GC.run").redirectErrorStream(true)
                    .start();
            gc.getInputStream().readAllBytes();
            assertEquals(0, gc.waitFor(), "jcmd GC.run on " + s.getKey());
            long heap = 0;
            for (String line : get(Pipeline.url(ports.get(s.getKey())) + "/q/metrics").body().split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            out.put(s.getKey(), heap);
        }
        return out;
    }

    private double metric(int port, String prefix) throws Exception {
        for (String line : get(Pipeline.url(port) + "/q/metrics").body().split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + prefix + " on port " + port);
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
