package io.nnstain.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nnstain.cli.ServiceClient;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole spine with real components: DJL training in the packaged trainer, a real Kafka broker, the
 * packaged collector, Parquet written through DuckDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineEndToEndTest {

    private final AvroSerde serde = new AvroSerde();
    private Pipeline pipeline;

    @BeforeAll
    void start() {
        pipeline = new Pipeline().start();
    }

    @AfterAll
    void stop() {
        pipeline.close();
    }

    static ObjectNode config(String dataset, String hidden, int epochs, String intervals, long seed) {
        ObjectNode c = Pipeline.JSON.createObjectNode();
        c.put("dataset", dataset);
        c.put("hidden", hidden);
        c.put("epochs", epochs);
        c.put("epoch_intervals", intervals);
        c.put("seed", seed);
        return c;
    }

    @Test
    void shouldStoreExactlyWhatTheProbePublished() throws Exception {
        // Given a digits run scanning every 2nd epoch, E_0 always
        String run = pipeline.trainAndAwaitTrace(config("digits", "32,16", 6, "2", 3));
        // When the published snapshots are read straight from the topic
        List<ConsumerRecord<String, byte[]>> records = readAll(Topics.NEURONS);
        Map<String, NeuronSnapshot> published = new HashMap<>();
        int partitions = -1;
        for (ConsumerRecord<String, byte[]> r : records) {
            NeuronSnapshot s = serde.decode(r.value(), NeuronSnapshot.class);
            if (!s.getRunId().equals(run)) {
                continue;
            }
            assertEquals("E_" + s.getEpoch() + "/L_" + s.getLayer() + "/n_" + s.getNeuron(), r.key());
            partitions = partitionCount(Topics.NEURONS);
            assertEquals(s.getLayerIndex() % partitions, r.partition(), "partitioned by layer");
            published.put(r.key(), s);
        }
        // Then every neuron of every layer is there for E_0, E_2, E_4, E_6 ...
        int perEpoch = 64 + 32 + 16 + 10;
        assertEquals(4 * perEpoch, published.size());
        // ... and the store holds exactly those values, bit for bit
        int compared = 0;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM read_parquet('" + pipeline.runDir(run)
                        + "/epoch=*/neurons-*.parquet', hive_partitioning = true, hive_types = {epoch: INTEGER})")) {
            while (rs.next()) {
                String key = "E_" + rs.getInt("epoch") + "/L_" + rs.getString("layer") + "/n_" + rs.getInt("neuron");
                NeuronSnapshot s = published.get(key);
                assertTrue(s != null, "stored row " + key + " was never published");
                assertEquals(s.getActMean(), rs.getFloat("act_mean"), 0f, key);
                assertEquals(s.getActStd(), rs.getFloat("act_std"), 0f, key);
                assertEquals(s.getActMin(), rs.getFloat("act_min"), 0f, key);
                assertEquals(s.getActMax(), rs.getFloat("act_max"), 0f, key);
                assertEquals(s.getZeroFraction(), rs.getFloat("zero_fraction"), 0f, key);
                assertEquals(s.getSamples(), rs.getLong("samples"), key);
                assertEquals(s.getClassMeans(), floats(rs.getArray("class_means")), key);
                assertEquals(s.getWeights(), floats(rs.getArray("weights")), key);
                assertEquals(s.getBias(), (Float) rs.getObject("bias"), key);
                assertEquals(s.getGradWeightNorm(), (Float) rs.getObject("grad_weight_norm"), key);
                assertEquals(s.getGradBias(), (Float) rs.getObject("grad_bias"), key);
                assertEquals(s.getWeightChange(), (Float) rs.getObject("weight_change"), key);
                assertEquals(s.getGradWeightMean(), rs.getArray("grad_weight_mean") == null ? null
                        : floats(rs.getArray("grad_weight_mean")), key);
                if (rs.getInt("epoch") > 0 && rs.getInt("layer_index") > 0) {
                    assertEquals(s.getWeights().size(), s.getGradWeightMean().size(), "a mean gradient per weight: " + key);
                }
                compared++;
            }
        }
        assertEquals(published.size(), compared, "as many rows stored as snapshots published");
    }

    @Test
    void shouldAnswerLookupsByNetworkSignatureWithClearErrors() {
        String run = pipeline.trainAndAwaitTrace(config("digits", "16", 4, "2", 5));
        ServiceClient client = pipeline.client();
        var neuron = client.trace(run, "E_4/L_hidden_1/n_7");
        assertEquals(10, neuron.path("class_means").size());
        assertEquals(64, neuron.path("weights").size());
        assertEquals(16, client.trace(run, "E_4/L_hidden_1").size());
        assertEquals(64 + 16 + 10, client.trace(run, "E_0").size());
        var notScanned = assertThrows(ServiceClient.ServiceException.class, () -> client.trace(run, "E_3/L_hidden_1/n_7"));
        assertTrue(notScanned.getMessage().contains("E_3 is not scanned"), notScanned.getMessage());
        var noLayer = assertThrows(ServiceClient.ServiceException.class, () -> client.trace(run, "E_4/L_hidden_9/n_0"));
        assertTrue(noLayer.getMessage().contains("no such layer 'hidden_9'"), noLayer.getMessage());
        var malformed = assertThrows(ServiceClient.ServiceException.class, () -> client.trace(run, "E_4/hidden_1/n_0"));
        assertEquals(400, malformed.status());
    }

    @Test
    void shouldStoreBatchStatisticsWhenBatchesAreKept() throws Exception {
        ObjectNode c = config("moons", "8,8", 2, "", 9);
        c.put("drop_batches", false);
        String run = pipeline.trainAndAwaitTrace(c);
        int batchesPerEpoch = (int) Math.ceil(800 / 32.0);
        for (int epoch : List.of(1, 2)) {
            assertEquals(batchesPerEpoch * 4, count(pipeline.runDir(run).resolve("epoch=" + epoch + "/batches.parquet")));
        }
        assertFalse(Files.exists(pipeline.runDir(run).resolve("epoch=0/batches.parquet")), "E_0 is not trained");
    }

    @Test
    void shouldNotDuplicateOrRewriteAnythingWhenTheTopicsAreReplayed() throws Exception {
        String run = pipeline.trainAndAwaitTrace(config("moons", "8", 3, "", 13));
        Map<Path, FileTime> before = new HashMap<>();
        for (int e = 0; e <= 3; e++) {
            try (var files = Files.list(pipeline.runDir(run).resolve("epoch=" + e))) {
                for (Path f : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                    before.put(f, Files.getLastModifiedTime(f)); // every layer's files, the seal and the marker
                }
            }
            assertEquals(2 + 8 + 2, count(pipeline.runDir(run).resolve("epoch=" + e + "/neurons-*.parquet")));
        }
        assertEquals(4 * 8, before.size(), "three layers' Parquet and lookup files, the seal and the marker per epoch: "
                + before.keySet());
        // a second collector with a new consumer group reads every topic from the beginning into the same store
        int port = io.nnstain.localkafka.LocalKafkaBroker.freePort();
        Process replay = pipeline.launcher.startService("trace-collector", port,
                pipeline.collectorProps("replay-" + System.nanoTime(), pipeline.dataDir), false);
        try {
            pipeline.launcher.awaitReady("trace-collector", Pipeline.url(port), replay, Duration.ofSeconds(90));
            // it announces the stored epochs again (at-least-once downstream) without writing them
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                    .until(() -> assembledAnnouncements(run) >= 8);
        } finally {
            replay.destroy();
            replay.waitFor();
        }
        for (var entry : before.entrySet()) {
            assertEquals(entry.getValue(), Files.getLastModifiedTime(entry.getKey()), "rewritten: " + entry.getKey());
        }
    }

    @Test
    void shouldStoreTheSameTraceWhenTheCollectorIsKilledMidRun() throws Exception {
        ObjectNode spec = config("digits", "64,32", 60, "", 11);
        String uninterrupted = pipeline.trainAndAwaitTrace(spec);
        String interrupted = pipeline.submit(spec);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> pipeline.assembled(interrupted).size() >= 3);
        pipeline.killCollector();
        int storedAtKill = pipeline.assembled(interrupted).size();
        assertTrue(storedAtKill < 61, "the collector must die mid-run; it had stored all " + storedAtKill + " epochs");
        pipeline.startCollector();
        pipeline.awaitTrained(interrupted);
        pipeline.awaitStored(interrupted);
        Traces.assertSame(pipeline, uninterrupted, interrupted, 61);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            assertEquals(61L * (64 + 64 + 32 + 10), scalar(st, "SELECT count(*) FROM read_parquet('"
                    + pipeline.runDir(interrupted) + "/epoch=*/neurons-*.parquet', hive_partitioning = true)"));
        }
    }

    @Test
    void shouldDeadLetterARecordThatDoesNotDecodeAndGoOn() throws Exception {
        String neurons = new TopicNamespace(pipeline.prefix).name(Topics.NEURONS);
        Properties p = new Properties();
        p.put("bootstrap.servers", pipeline.bootstrap);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(p,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(neurons, 0, "E_1/L_input/n_0",
                    "this is not an Avro record".getBytes())).get();
        }
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(300)).until(() -> readAll(Topics.DEAD_LETTER)
                .stream().anyMatch(r -> "E_1/L_input/n_0".equals(r.key())));
        ConsumerRecord<String, byte[]> dead = readAll(Topics.DEAD_LETTER).stream()
                .filter(r -> "E_1/L_input/n_0".equals(r.key())).findFirst().orElseThrow();
        assertEquals("this is not an Avro record", new String(dead.value()));
        String error = new String(dead.headers().lastHeader("nnstain.error").value());
        assertTrue(error.contains("single-object marker"), error);
        // and the collector goes on storing traces
        String run = pipeline.trainAndAwaitTrace(config("moons", "4", 1, "", 17));
        assertEquals(java.util.Set.of(0, 1), pipeline.assembled(run));
    }

    private long assembledAnnouncements(String run) {
        long n = 0;
        for (ConsumerRecord<String, byte[]> r : readAll(Topics.ASSEMBLED)) {
            if (serde.decode(r.value(), EpochAssembled.class).getRunId().equals(run)) {
                n++;
            }
        }
        return n;
    }

    private static long scalar(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long count(Path parquet) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            return scalar(st, "SELECT count(*) FROM read_parquet('" + parquet + "', hive_partitioning = false)");
        }
    }

    private static List<Float> floats(Array array) throws Exception {
        List<Float> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            out.add((Float) o);
        }
        return out;
    }

    private int partitionCount(io.nnstain.schemas.topics.Topic topic) {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            return c.partitionsFor(new TopicNamespace(pipeline.prefix).name(topic)).size();
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", pipeline.bootstrap);
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private List<ConsumerRecord<String, byte[]>> readAll(io.nnstain.schemas.topics.Topic topic) {
        return pipeline.readAll(topic);
    }
}
