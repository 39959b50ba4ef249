package io.nnstain.collector.messaging;

import io.nnstain.collector.CollectorConfig;
import io.nnstain.collector.assembly.EpochAssembler;
import io.nnstain.store.TraceStore;
import io.nnstain.schemas.avro.EpochAssembled;
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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Reads the trace topics, hands records to the assembler, announces durable epochs on the assembled topic and
 * only then commits — never past a record whose epoch is not yet stored (at-least-once; the store makes
 * redelivery harmless). Records that do not decode go to the dead-letter topic with the reason in headers.
 */
@ApplicationScoped
public class TraceConsumer {

    private static final Logger LOG = Logger.getLogger(TraceConsumer.class);

    private final CollectorConfig config;
    private final TopicNamespace namespace;
    private final TraceStore store;
    private final AvroSerde serde = new AvroSerde();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile String status = "starting";
    private Thread thread;
    private EpochAssembler assembler;
    private volatile long deadLettered;

    public TraceConsumer(CollectorConfig config) {
        this.config = config;
        this.namespace = new TopicNamespace(config.topicPrefix());
        this.store = new TraceStore(Path.of(config.dataDir()));
    }

    public TraceStore store() {
        return store;
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "trace-consumer");
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
    }

    /** "consuming" when the loop reads; otherwise what it waits for. */
    public String status() {
        return status;
    }

    public long deadLettered() {
        return deadLettered;
    }

    private void run() {
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
                LOG.errorf(e, "trace consumer failed; starting again in 2 s from the last committed offsets");
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void consume() {
        assembler = new EpochAssembler(store);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps(), new StringDeserializer(),
                new ByteArrayDeserializer());
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(), new StringSerializer(),
                        new ByteArraySerializer())) {
            consumer = c;
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
            status = "consuming";
            LOG.infof("collecting %s into %s", topics, store.dataDir());
            while (running) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                for (ConsumerRecord<String, byte[]> r : records) {
                    handle(r, producer);
                }
                producer.flush();
                commitSafe(c);
            }
            commitSafe(c);
        } finally {
            consumer = null;
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r, KafkaProducer<String, byte[]> producer) {
        SpecificRecord record;
        try {
            record = serde.decode(r.value());
        } catch (BadRecordException e) {
            deadLetter(r, e.getMessage(), producer);
            return;
        }
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        List<EpochAssembled> done;
        try {
            done = assembler.accept(record, tp, r.offset());
        } catch (IllegalArgumentException e) {
            deadLetter(r, e.getMessage(), producer);
            return;
        }
        for (EpochAssembled a : done) {
            producer.send(new ProducerRecord<>(namespace.name(Topics.ASSEMBLED), a.getRunId(), serde.encode(a)));
            LOG.infof("run %s E_%d assembled: %d rows in %s", a.getRunId(), a.getEpoch(), a.getRows(), a.getPath());
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, String reason, KafkaProducer<String, byte[]> producer) {
        LOG.warnf("dead-lettering %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), reason);
        ProducerRecord<String, byte[]> dl = new ProducerRecord<>(namespace.name(Topics.DEAD_LETTER), r.key(), r.value());
        dl.headers().add("nnstain.error", reason.getBytes(StandardCharsets.UTF_8));
        dl.headers().add("nnstain.source", (r.topic() + "-" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
        producer.send(dl);
        deadLettered++;
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

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
        // offsets are committed by hand, only past durable records
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a member that died without leaving blocks a restarted one until its session ends (default 45 s)
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        return p;
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "nnstain-collector");
        return p;
    }
}
