package io.nnstain.analyzer.messaging;

import io.nnstain.analyzer.AnalyzerConfig;
import io.nnstain.analyzer.analysis.AnalysisService;
import io.nnstain.analyzer.metrics.AnalyzerMetrics;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.messaging.ConsumerLoop;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.serde.StructureSnapshots;
import io.nnstain.schemas.serde.AvroSerde.BadRecordException;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Analyses each epoch as soon as the collector announces it durable: structures are stored beside the trace,
 * then published on the structures topic, then the offset is committed (at-least-once; analysing an epoch
 * twice stores the same result). After a run's last scanned epoch, the emergence and the verification
 * against random sets are computed off this thread. Events that cannot be analysed go to the dead-letter
 * topic with the reason.
 */
// a singleton, not proxied: the loop's base class has no constructor a client proxy could call
@Singleton
public class AssembledConsumer extends ConsumerLoop {

    private static final Logger LOG = Logger.getLogger(AssembledConsumer.class);
    /** How long an epoch waits for its run's metadata before it is dead-lettered. */
    static final Duration METADATA_WAIT = Duration.ofSeconds(60);

    private final AnalysisService analysis;
    private final AvroSerde serde = new AvroSerde();
    private final ExecutorService finisher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "analysis-finisher");
        t.setDaemon(true);
        return t;
    });

    private final AnalyzerMetrics metrics;

    public AssembledConsumer(AnalyzerConfig config, AnalysisService analysis, AnalyzerMetrics metrics) {
        super("nnstain-analyzer", config.kafkaBootstrapServers(), config.consumerGroup(),
                new TopicNamespace(config.topicPrefix()), config.neuronPartitions(), LOG);
        this.analysis = analysis;
        this.metrics = metrics;
        metrics.bind(this);
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
        finisher.shutdownNow();
    }

    @Override
    protected void beforeConsuming() {
        status("warming up");
        long start = System.nanoTime();
        analysis.warmUp();
        LOG.infof("warmed up in %.0f ms", (System.nanoTime() - start) / 1e6);
        finishInterrupted();
    }

    @Override
    protected void configure(Properties p) {
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    }

    @Override
    protected void consume(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> producer) {
        c.subscribe(List.of(namespace.name(Topics.ASSEMBLED)));
        status("consuming");
        LOG.infof("analysing epochs announced on %s, trace store %s", namespace.name(Topics.ASSEMBLED),
                analysis.store().dataDir());
        while (running()) {
            ConsumerRecords<String, byte[]> records = poll(c, Duration.ofMillis(200));
            if (records.isEmpty()) {
                continue;
            }
            for (ConsumerRecord<String, byte[]> r : records) {
                process(r, producer, this::handle);
            }
            // structures acknowledged before the offsets that produced them are committed
            awaitSends(producer);
            c.commitSync();
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
        } catch (AnalysisService.NotAnalysable e) {
            // a diverged epoch: noted beside the trace, nothing to publish, and on to the next
            metrics.notAnalysable();
            LOG.warnf("run %s: %s", run, e.getMessage());
            return;
        } catch (AnalysisService.NotFound | IllegalArgumentException e) {
            deadLetter(r, "cannot analyse E_" + assembled.getEpoch() + " of run " + run + ": " + e.getMessage(), producer);
            return;
        }
        // a wide network's snapshot can pass the record limit: it is lightened for the topic, whole in the store
        send(producer, new ProducerRecord<>(namespace.name(Topics.STRUCTURES), run,
                StructureSnapshots.encodeFitting(snapshot, serde)));
        metrics.analysed(snapshot, System.nanoTime() - start);
        LOG.infof("run %s E_%d: structures of %d classes in %.0f ms", run, snapshot.getEpoch(),
                snapshot.getClasses().size(), (System.nanoTime() - start) / 1e6);
        if (assembled.getEpoch() == analysis.run(run).finalEpoch()) {
            finishLater(run);
        }
    }

    /**
     * Emergence and verification of a run, off the consuming thread. The final epoch's offset may be committed
     * before this is done; a crash in between is caught up by {@link #finishInterrupted} at the next start.
     */
    private void finishLater(String run) {
        finisher.execute(() -> {
            try {
                metrics.finished(run, analysis.finish(run));
            } catch (RuntimeException e) {
                LOG.errorf(e, "run %s: emergence and verification failed", run);
            }
        });
    }

    /** Runs whose final epoch is analysed but whose emergence or verification was never written (a crash). */
    private void finishInterrupted() {
        for (String run : analysis.unfinishedRuns()) {
            LOG.infof("run %s: its final epoch is analysed but emergence and verification are missing; computing them",
                    run);
            finishLater(run);
        }
    }

    /** Analyses the epoch, waiting (up to {@link #METADATA_WAIT}) for the run's run.json if it is not stored yet. */
    private StructureSnapshot analyseWhenStored(String run, int epoch) {
        long deadline = System.nanoTime() + METADATA_WAIT.toNanos();
        while (true) {
            try {
                return analysis.analyse(run, epoch, analysis.defaults());
            } catch (AnalysisService.NotYetStored e) {
                if (System.nanoTime() > deadline || !running()) {
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
}
