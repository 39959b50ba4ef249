package io.nnstain.analyzer.messaging;

import io.nnstain.analyzer.AnalyzerConfig;
import io.nnstain.analyzer.analysis.AnalysisService;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.serde.AvroSerde.BadRecordException;
import io.nnstain.schemas.topics.TopicAdmin;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Analyses each epoch as soon as the collector announces it durable: structures are stored beside the trace,
 * then published on the structures topic, then the offset is committed (at-least-once; analysing an epoch
 * twice stores the same result). After a run's last scanned epoch, the emergence and the verification
 * against random sets are computed off this thread. Events that cannot be analysed go to the dead-letter
 * topic with the reason.
 */
@ApplicationScoped
public class AssembledConsumer {

    private static final Logger LOG = Logger.getLogger(AssembledConsumer.class);
    /** How long an epoch waits for its run's metadata before it is dead-lettered. */
    static final Duration METADATA_WAIT = Duration.ofSeconds(60);

    private final AnalyzerConfig config;
    private final AnalysisService analysis;
    private final TopicNamespace namespace;
    private final AvroSerde serde = new AvroSerde();
    private final ExecutorService finisher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "analysis-finisher");
        t.setDaemon(true);
        return t;
    });
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile String status = "starting";
    private Thread thread;

    public AssembledConsumer(AnalyzerConfig config, AnalysisService analysis) {
        this.config = config;
        this.analysis = analysis;
        this.namespace = new TopicNamespace(config.topicPrefix());
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "assembled-consumer");
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (thread != null) {
                thread.join(15_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finisher.shutdownNow();
    }

    /** "consuming" when the loop reads; otherwise what it waits for. */
    public String status() {
        return status;
    }

    private void run() {
        status = "warming up";
        long start = System.nanoTime();
        analysis.warmUp();
        LOG.infof("warmed up in %.0f ms", (System.nanoTime() - start) / 1e6);
        while (running) {
            try {
                status = "creating topics on " + config.kafkaBootstrapServers();
                TopicAdmin.ensureTopics(config.kafkaBootstrapServers(), namespace, config.neuronPartitions(),
                        Duration.ofSeconds(30));
                consume();
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                status = "retrying after error: " + e.getMessage();
                LOG.errorf(e, "analyzer consumer failed; starting again in 2 s from the last committed offsets");
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void consume() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps(), new StringDeserializer(),
                new ByteArrayDeserializer());
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(), new StringSerializer(),
                        new ByteArraySerializer())) {
            consumer = c;
            c.subscribe(List.of(namespace.name(Topics.ASSEMBLED)));
            status = "consuming";
            LOG.infof("analysing epochs announced on %s, trace store %s", namespace.name(Topics.ASSEMBLED),
                    analysis.store().dataDir());
            while (running) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                for (ConsumerRecord<String, byte[]> r : records) {
                    handle(r, producer);
                }
                producer.flush();
                c.commitSync();
            }
        } finally {
            consumer = null;
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r, KafkaProducer<String, byte[]> producer) {
        EpochAssembled assembled;
        try {
            assembled = serde.decode(r.value(), EpochAssembled.class);
        } catch (BadRecordException e) {
            deadLetter(r, e.getMessage(), producer);
            return;
        }
        String run = assembled.getRunId();
        StructureSnapshot snapshot;
        long start = System.nanoTime();
        try {
            snapshot = analyseWhenStored(run, assembled.getEpoch());
        } catch (AnalysisService.NotFound | IllegalArgumentException | IllegalStateException e) {
            deadLetter(r, "cannot analyse E_" + assembled.getEpoch() + " of run " + run + ": " + e.getMessage(), producer);
            return;
        }
        producer.send(new ProducerRecord<>(namespace.name(Topics.STRUCTURES), run, serde.encode(snapshot)));
        LOG.infof("run %s E_%d: structures of %d classes in %.0f ms", run, snapshot.getEpoch(),
                snapshot.getClasses().size(), (System.nanoTime() - start) / 1e6);
        if (assembled.getEpoch() == analysis.run(run).finalEpoch()) {
            finisher.execute(() -> {
                try {
                    analysis.finish(run);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "run %s: emergence and verification failed", run);
                }
            });
        }
    }

    /** Analyses the epoch, waiting (up to {@link #METADATA_WAIT}) for the run's run.json if it is not stored yet. */
    private StructureSnapshot analyseWhenStored(String run, int epoch) {
        long deadline = System.nanoTime() + METADATA_WAIT.toNanos();
        while (true) {
            try {
                return analysis.analyse(run, epoch, analysis.defaults());
            } catch (AnalysisService.NotYetStored e) {
                if (System.nanoTime() > deadline || !running) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, String reason, KafkaProducer<String, byte[]> producer) {
        LOG.warnf("dead-lettering %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), reason);
        ProducerRecord<String, byte[]> dl = new ProducerRecord<>(namespace.name(Topics.DEAD_LETTER), r.key(), r.value());
        dl.headers().add("nnstain.error", reason.getBytes(StandardCharsets.UTF_8));
        dl.headers().add("nnstain.source", (r.topic() + "-" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
        producer.send(dl);
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
        // committed by hand, after the structures are stored and published
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a member that died without leaving blocks a restarted one until its session ends (default 45 s)
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "nnstain-analyzer");
        // a snapshot of a wide network (relevance of every neuron for every class) exceeds the 1 MB default
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        return p;
    }
}
