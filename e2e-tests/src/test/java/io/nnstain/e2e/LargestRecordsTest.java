package io.nnstain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.LayerInfo;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.NeuronStain;
import io.nnstain.schemas.avro.ProbeSet;
import io.nnstain.schemas.avro.RunConfig;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.avro.StructureEdge;
import io.nnstain.schemas.avro.StructureLayer;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.avro.Topology;
import io.nnstain.schemas.config.RunSpec;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.serde.StructureSnapshots;
import io.nnstain.schemas.signature.NetworkSignature;
import io.nnstain.schemas.topics.Topic;
import io.nnstain.schemas.topics.TopicAdmin;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The largest records the system produces, for the largest network the run specification allows (16 hidden
 * layers of 4096, 1000 input features, 100 classes, 100000 epochs), are taken by the broker: each fits the
 * 10 MiB record limit of the topics as TopicAdmin creates them, and comes back whole.
 */
class LargestRecordsTest {

    static final int HIDDEN = RunSpec.MAX_HIDDEN_LAYERS;
    static final int WIDTH = RunSpec.MAX_WIDTH;
    static final int FEATURES = 1000;
    static final int CLASSES = 100;

    private final AvroSerde serde = new AvroSerde();
    private final Random random = new Random(5);

    @Test
    void shouldProduceAndReadBackTheLargestRecordOfEveryTopicTheTrainerAndAnalyzerWrite() {
        TopicNamespace namespace = new TopicNamespace("t" + UUID.randomUUID().toString().substring(0, 8) + ".");
        String bootstrap = KafkaForTests.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, namespace, 8, Duration.ofSeconds(60));
        List<Object[]> records = List.of(
                new Object[] {Topics.RUNS, "largest", serde.encode(runStarted())},
                new Object[] {Topics.NEURONS, "E_100000/L_hidden_16/n_4095", serde.encode(neuron())},
                new Object[] {Topics.EPOCHS, "largest", serde.encode(sealed())},
                new Object[] {Topics.STRUCTURES, "largest", StructureSnapshots.encodeFitting(structures(), serde)});
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_RECORD_BYTES);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (Object[] r : records) {
                byte[] value = (byte[]) r[2];
                String topic = namespace.name((Topic) r[0]);
                assertTrue(value.length <= Topics.MAX_RECORD_BYTES, topic + ": " + value.length + " bytes");
                RecordMetadata acked = producer.send(new ProducerRecord<>(topic, (String) r[1], value)).get();
                System.out.printf("largest record on %s: %d bytes, acknowledged at offset %d%n", topic, value.length,
                        acked.offset());
            }
        } catch (Exception e) {
            throw new AssertionError("the broker refused a record: " + e, e);
        }
        for (Object[] r : records) {
            String topic = namespace.name((Topic) r[0]);
            var read = io.nnstain.schemas.messaging.TopicReader.readAll(bootstrap, topic, Duration.ofSeconds(30));
            assertEquals(1, read.size(), topic);
            assertEquals(java.util.Arrays.hashCode((byte[]) r[2]), java.util.Arrays.hashCode(read.get(0).value()), topic);
            serde.decode(read.get(0).value()); // and it decodes within the bounded decoder's limits
        }
    }

    private List<Float> floats(int n) {
        List<Float> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(random.nextFloat());
        }
        return out;
    }

    private RunStarted runStarted() {
        List<LayerInfo> layers = new ArrayList<>();
        layers.add(new LayerInfo(0, "input", FEATURES, "identity"));
        for (int h = 1; h <= HIDDEN; h++) {
            layers.add(new LayerInfo(h, "hidden_" + h, WIDTH, "relu"));
        }
        layers.add(new LayerInfo(HIDDEN + 1, "output", CLASSES, "identity"));
        int samples = RunSpec.MAX_PROBE_VALUES / FEATURES;
        List<List<Float>> features = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            features.add(floats(FEATURES));
        }
        List<Integer> labels = IntStream.range(0, samples).map(i -> i % CLASSES).boxed().toList();
        return RunStarted.newBuilder().setRunId("blobs-" + "9".repeat(100)).setStartedAtMs(1)
                .setConfig(new RunConfig("blobs", java.util.Collections.nCopies(HIDDEN, WIDTH), "relu", "adam", 0.01, 32,
                        RunSpec.MAX_EPOCHS, 1L, "", true, 0.5, 10_000))
                .setTopology(new Topology(layers, IntStream.range(0, CLASSES).mapToObj(c -> "class_" + c).toList(),
                        IntStream.range(0, FEATURES).mapToObj(f -> "feature_" + f).toList(), List.of(FEATURES)))
                .setScannedEpochs(IntStream.rangeClosed(0, RunSpec.MAX_EPOCHS).boxed().toList()).setTrainSamples(500_000)
                .setValidationSamples(500_000).setNeuronPartitions(8).setProbeSet(new ProbeSet(features, labels)).build();
    }

    private NeuronSnapshot neuron() {
        return NeuronSnapshot.newBuilder().setRunId("largest").setEpoch(RunSpec.MAX_EPOCHS)
                .setLayer(NetworkSignature.layerName(HIDDEN, HIDDEN)).setLayerIndex(HIDDEN).setNeuron(WIDTH - 1)
                .setSamples(500_000).setActMean(1).setActStd(1).setActMin(0).setActMax(2).setZeroFraction(0.5f)
                .setClassMeans(floats(CLASSES)).setBias(0.1f).setWeights(floats(WIDTH)).setGradWeightNorm(1f)
                .setGradBias(0.1f).setWeightChange(0.2f).setGradWeightMean(floats(WIDTH)).build();
    }

    private EpochSealed sealed() {
        List<Integer> perLayer = new ArrayList<>();
        perLayer.add(FEATURES);
        perLayer.addAll(java.util.Collections.nCopies(HIDDEN, WIDTH));
        perLayer.add(CLASSES);
        List<Double> perClass = java.util.Collections.nCopies(CLASSES, 0.5);
        return EpochSealed.newBuilder().setRunId("largest").setEpoch(RunSpec.MAX_EPOCHS).setSnapshotsPerLayer(perLayer)
                .setBatchesSent(0).setTrainLoss(0.1).setTrainAccuracy(0.9).setTrainClassAccuracy(perClass)
                .setValidationLoss(0.2).setValidationAccuracy(0.9).setValidationClassAccuracy(perClass)
                .setEpochTimeMs(1).setProbeTimeMs(1).build();
    }

    /**
     * Every class's structure with the relevance of every neuron of every layer, the default cap of 10% of a
     * layer's neurons, and edges between its chosen neurons (as many as this test can hold: 20000 a class);
     * every hidden neuron stained.
     */
    private StructureSnapshot structures() {
        int chosen = WIDTH / 10;
        List<ClassStructure> classes = new ArrayList<>();
        for (int c = 0; c < CLASSES; c++) {
            List<StructureLayer> layers = new ArrayList<>();
            for (int l = 0; l <= HIDDEN + 1; l++) {
                int width = l == 0 ? FEATURES : l == HIDDEN + 1 ? CLASSES : WIDTH;
                layers.add(new StructureLayer("layer_" + l, l, floats(width),
                        IntStream.range(0, Math.min(chosen, width)).boxed().toList(), 0.8f, 0.5f));
            }
            List<StructureEdge> edges = new ArrayList<>();
            for (int e = 0; e < 20_000; e++) {
                edges.add(new StructureEdge(1 + e % HIDDEN, e % chosen, (e / chosen) % chosen, random.nextFloat()));
            }
            classes.add(ClassStructure.newBuilder().setClassIndex(c).setClassName("class_" + c).setLayers(layers)
                    .setEdges(edges).setJaccardPrevious(0.5).build());
        }
        List<NeuronStain> stains = new ArrayList<>();
        for (int l = 1; l <= HIDDEN; l++) {
            for (int n = 0; n < WIDTH; n++) {
                stains.add(new NeuronStain(l, n, List.of(n % CLASSES, (n + 1) % CLASSES), n % CLASSES, 0.6f));
            }
        }
        List<List<Float>> loss = new ArrayList<>();
        for (int l = 1; l <= HIDDEN + 1; l++) {
            loss.add(floats(l == HIDDEN + 1 ? CLASSES : WIDTH));
        }
        return StructureSnapshot.newBuilder().setRunId("largest").setEpoch(RunSpec.MAX_EPOCHS).setRule("z-plus")
                .setCoverage(0.8).setMaxFraction(0.1).setClasses(classes).setStains(stains).setLossContributions(loss)
                .setAnalysedAtMs(1).build();
    }
}
