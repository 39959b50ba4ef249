package io.nnstain.collector.messaging;

import io.nnstain.collector.CollectorConfig;
import io.nnstain.collector.assembly.EpochAssembler;
import io.nnstain.schemas.avro.EpochAssembled;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.messaging.ConsumerLoop;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.serde.AvroSerde.BadRecordException;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import io.nnstain.store.TraceStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Reads the trace topics, hands records to the assembler, announces durable epochs on the assembled topic and
 * only then commits — never past a record whose epoch is not yet stored (at-least-once; the store makes
 * redelivery harmless). Records that do not decode go to the dead-letter topic with the reason in headers.
 */
// a singleton, not proxied: the loop's base class has no constructor a client proxy could call
@Singleton
public class TraceConsumer extends ConsumerLoop {

    private static final Logger LOG = Logger.getLogger(TraceConsumer.class);

    private final TraceStore store;
    private final AvroSerde serde = new AvroSerde();
    private final io.nnstain.schemas.serde.NeuronSnapshotDecoder neuronDecoder = new io.nnstain.schemas.serde.NeuronSnapshotDecoder();
    private volatile EpochAssembler assembler;

    private final MeterRegistry registry;
    private final Map<String, Counter> consumed = new ConcurrentHashMap<>();
    private final Counter snapshots;
    private final Counter epochs;
    private final Timer latency;
    /** when each pending epoch's EpochSealed was published (its record timestamp), by run/epoch */
    private final Map<String, Long> sealedAt = new HashMap<>();
    /** rows and duplicates of assemblers replaced after a restart of the loop */
    private volatile long earlierRows;
    private volatile long earlierDuplicates;
    private volatile long earlierReleased;

    private final CollectorConfig config;

    public TraceConsumer(CollectorConfig config, MeterRegistry registry) {
        super("nnstain-collector", config.kafkaBootstrapServers(), config.consumerGroup(),
                new TopicNamespace(config.topicPrefix()), config.neuronPartitions(), LOG);
        this.store = new TraceStore(Path.of(config.dataDir()));
        this.registry = registry;
        this.config = config;
        snapshots = Counter.builder("nnstain.collector.snapshots.consumed").description("NeuronSnapshots consumed")
                .register(registry);
        epochs = Counter.builder("nnstain.collector.epochs.assembled").description("Epochs written complete to the"
                + " trace store and announced").register(registry);
        latency = Timer.builder("nnstain.collector.assembly.latency").description("From an epoch's EpochSealed being"
                + " published to the epoch stored and announced").publishPercentiles(0.5, 0.95).register(registry);
        FunctionCounter.builder("nnstain.collector.rows.written", this, t -> t.earlierRows
                + (t.assembler == null ? 0 : t.assembler.rowsWritten())).description("Neuron rows written to Parquet")
                .register(registry);
        FunctionCounter.builder("nnstain.collector.duplicates.skipped", this, t -> t.earlierDuplicates
                + (t.assembler == null ? 0 : t.assembler.duplicatesSkipped())).description("Redelivered or replayed"
                        + " records skipped because their epoch was stored or pending").register(registry);
        FunctionCounter.builder("nnstain.collector.dead.letters", this, ConsumerLoop::deadLettered)
                .description("Records sent to the dead-letter topic").register(registry);
        Gauge.builder("nnstain.collector.consumer.lag", this, ConsumerLoop::lag).description("Records on the trace"
                + " topics not yet consumed").register(registry);
        Gauge.builder("nnstain.collector.epochs.pending", this, t -> t.assembler == null ? 0 : t.assembler.pendingEpochs())
                .description("Epochs whose records are arriving (each layer stored as soon as it is complete)").register(registry);
        Gauge.builder("nnstain.collector.epochs.pending.oldest", this,
                t -> t.assembler == null ? 0 : t.assembler.oldestPendingMillis() / 1000.0).baseUnit("seconds")
                .description("Age of the oldest pending epoch").register(registry);
        FunctionCounter.builder("nnstain.collector.epochs.released", this, t -> t.earlierReleased
                + (t.assembler == null ? 0 : t.assembler.epochsReleased())).description("Incomplete epochs given up"
                        + " (run finished or silent); their records went to the dead-letter topic").register(registry);
        FunctionCounter.builder("nnstain.collector.processing.failures", this, ConsumerLoop::processingFailures)
                .description("Failed attempts at processing a record (retried, then dead-lettered)").register(registry);
    }

    public TraceStore store() {
        return store;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Staging files older than this are an earlier collector's, killed mid-write (a layer arrives in minutes). */
    static final Duration STALE_STAGING = Duration.ofHours(1);

    @Override
    protected void beforeConsuming() {
        // DuckDB's start and the JIT's compiling of the write path: paid before the first epoch, not during it
        status("warming up");
        io.nnstain.store.Duck.limitMemory(config.stagingMemory(), store.dataDir().resolve(".staging"));
        int stale = store.removeStaleStaging(STALE_STAGING);
        if (stale > 0) {
            LOG.infof("removed %d staging files older than %s left by an earlier collector that stopped mid-write",
                    stale, STALE_STAGING);
        }
        long start = System.nanoTime();
        io.nnstain.store.StoreWarmup.run(30, start + WARM_UP_BUDGET.toNanos());
        LOG.infof("warmed up in %.0f ms", (System.nanoTime() - start) / 1e6);
    }

    @Override
    protected void configure(Properties p) {
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, io.nnstain.schemas.topics.Topics.MAX_RECORD_BYTES);
    }

    @Override
    protected void consume(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> producer) {
        if (assembler != null) {
            assembler.reset(); // what it staged is read again from the committed offsets
            earlierRows += assembler.rowsWritten();
            earlierDuplicates += assembler.duplicatesSkipped();
            earlierReleased += assembler.epochsReleased();
        }
        assembler = new EpochAssembler(store, config.finishedGrace(), config.abandonAfter(), System::currentTimeMillis);
        sealedAt.clear();
        List<String> topics = List.of(namespace.name(Topics.RUNS), namespace.name(Topics.NEURONS),
                namespace.name(Topics.EPOCHS), namespace.name(Topics.BATCHES));
        c.subscribe(topics, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                commitSafe(c);
                // what was pending is read again from the committed offsets by whoever owns them next
                assembler.reset();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                LOG.infof("assigned %d partitions", partitions.size());
            }
        });
        status("consuming");
        LOG.infof("collecting %s into %s", topics, store.dataDir());
        while (running()) {
            ConsumerRecords<String, byte[]> records = poll(c, Duration.ofMillis(500));
            for (ConsumerRecord<String, byte[]> r : records) {
                process(r, producer, this::handle);
            }
            EpochAssembler.Outcome released = assembler.releaseStale();
            deadLetter(released.rejected(), producer);
            if (records.isEmpty() && released.rejected().isEmpty()) {
                continue;
            }
            // announcements and dead letters acknowledged first: a commit never passes a record whose output is lost
            awaitSends(producer);
            commitSafe(c);
        }
        awaitSends(producer);
        commitSafe(c);
    }

    /** Dead-letters records the assembler refused or gave up, encoded again as they came (the encoding is deterministic). */
    private void deadLetter(List<EpochAssembler.Rejected> rejected, KafkaProducer<String, byte[]> producer) {
        for (EpochAssembler.Rejected r : rejected) {
            Topics.ALL.stream().filter(t -> t.carries(r.record().getClass())).findFirst().ifPresent(topic -> deadLetter(
                    new ConsumerRecord<>(namespace.name(topic), -1, -1, r.key(), serde.encode(r.record())), r.reason(),
                    producer));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r, KafkaProducer<String, byte[]> producer) {
        SpecificRecord record;
        try {
            // snapshots of the current schema without boxing their vectors; anything else through Avro's reader
            NeuronSnapshot fast = neuronDecoder.decode(r.value());
            record = fast != null ? fast : serde.decode(r.value());
        } catch (BadRecordException e) {
            deadLetter(r, e.getMessage(), producer);
            return;
        }
        consumed.computeIfAbsent(r.topic(), t -> Counter.builder("nnstain.collector.records.consumed").tag("topic", t)
                .description("Records consumed, per topic").register(registry)).increment();
        if (record instanceof NeuronSnapshot) {
            snapshots.increment();
        } else if (record instanceof EpochSealed sealed) {
            sealedAt.put(sealed.getRunId() + "/" + sealed.getEpoch(), r.timestamp());
        }
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        EpochAssembler.Outcome outcome;
        try {
            outcome = assembler.accept(record, r.value(), tp, r.offset());
        } catch (IllegalArgumentException e) {
            deadLetter(r, e.getMessage(), producer);
            return;
        }
        for (EpochAssembler.Rejected rejected : outcome.rejected()) {
            if (rejected.record() == record) {
                deadLetter(r, rejected.reason(), producer); // the record as it came
            } else {
                deadLetter(List.of(rejected), producer);
            }
        }
        for (EpochAssembled a : outcome.assembled()) {
            send(producer, new ProducerRecord<>(namespace.name(Topics.ASSEMBLED), a.getRunId(), serde.encode(a)));
            epochs.increment();
            Long sealed = sealedAt.remove(a.getRunId() + "/" + a.getEpoch());
            if (sealed != null) {
                latency.record(Math.max(0, System.currentTimeMillis() - sealed), TimeUnit.MILLISECONDS);
            }
            LOG.infof("run %s E_%d assembled: %d rows in %s", a.getRunId(), a.getEpoch(), a.getRows(), a.getPath());
        }
    }

    private void commitSafe(KafkaConsumer<String, byte[]> c) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : c.assignment()) {
            offsets.put(tp, new OffsetAndMetadata(assembler.safeOffset(tp, c.position(tp))));
        }
        if (!offsets.isEmpty()) {
            c.commitSync(offsets);
        }
    }
}
