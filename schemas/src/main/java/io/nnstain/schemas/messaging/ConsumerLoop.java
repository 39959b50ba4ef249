package io.nnstain.schemas.messaging;

import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.topics.TopicAdmin;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * A service's consuming thread: creates the topics if needed, consumes until stopped, and after an error
 * starts again from the last committed offsets. Offsets are committed by the subclass, never automatically,
 * and only after {@link #awaitSends} has seen every record it produced acknowledged. A record whose
 * processing fails is tried {@link #ATTEMPTS} times, then goes to the dead-letter topic with the reason in
 * headers: no record stops the loop for the others. An {@link Error} (out of memory, a broken class path)
 * is not survived: the loop reports it in {@link #status()} (so readiness goes down) and the process exits,
 * for its supervisor to start it again.
 */
public abstract class ConsumerLoop {

    /** Tries of a record's processing before it is dead-lettered. */
    public static final int ATTEMPTS = 3;
    /** The exit code of a process whose consumer met an Error it cannot survive (EX_SOFTWARE). */
    public static final int FATAL_EXIT_CODE = 70;

    /**
     * How long a service's own warm-up (JIT, DuckDB, drawing) may take before it reports ready: at a start five
     * JVMs share two cores, and warm-ups of a fixed number of rounds took 12 to 21 s of a 38 s start.
     */
    public static final java.time.Duration WARM_UP_BUDGET = java.time.Duration.ofSeconds(3);

    /**
     * Thrown while processing when state built from earlier records was lost (a store failed after taking them):
     * trying the record again cannot help, so the loop starts again from the last committed offsets, which no
     * commit has passed while that state was pending.
     */
    public static final class RestartFromCommitted extends RuntimeException {
        public RestartFromCommitted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An exception and its causes in one line: the wrapper alone ("could not write …") rarely says why. */
    static String causes(Throwable e) {
        StringBuilder out = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            out.append("; caused by ").append(c);
        }
        return out.toString();
    }
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Room left in a dead letter for its key and headers (the reason is a few hundred bytes). */
    static final int DEAD_LETTER_MAX_VALUE = Topics.MAX_RECORD_BYTES - 64 * 1024;

    private final String name;
    private final String bootstrapServers;
    private final String group;
    private final int neuronPartitions;
    private final Logger log;
    protected final TopicNamespace namespace;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile String status = "starting";
    private volatile long deadLettered;
    private volatile long lag;
    private boolean kafkaWarm;
    private Thread thread;
    /** sends since the last {@link #awaitSends}: consuming thread only */
    private final List<Future<RecordMetadata>> inFlight = new ArrayList<>();
    private volatile long processingFailures;

    /**
     * @param name the thread's name and the producer's client id
     * @param neuronPartitions partitions of the neurons topic if this service is the first to create the topics
     */
    protected ConsumerLoop(String name, String bootstrapServers, String group, TopicNamespace namespace,
            int neuronPartitions, Logger log) {
        this.name = name;
        this.bootstrapServers = bootstrapServers;
        this.group = group;
        this.namespace = namespace;
        this.neuronPartitions = neuronPartitions;
        this.log = log;
    }

    /** Reads with {@code consumer} until {@link #running()} is false, committing what is done. */
    protected abstract void consume(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer);

    /** What a consumer does with one record; may send through the producer with {@link #send}. */
    @FunctionalInterface
    protected interface RecordHandler {
        void handle(ConsumerRecord<String, byte[]> record, KafkaProducer<String, byte[]> producer);
    }

    /**
     * Processes one record: a {@link AvroSerde.BadRecordException} or {@link IllegalArgumentException}
     * dead-letters it at once (bad input does not get better by trying again); any other failure is tried again, {@link #ATTEMPTS} times in all, then dead-lettered with the
     * last failure as its reason, and the loop goes on with the next record.
     */
    protected void process(ConsumerRecord<String, byte[]> r, KafkaProducer<String, byte[]> producer, RecordHandler handler) {
        for (int attempt = 1; ; attempt++) {
            try {
                handler.handle(r, producer);
                return;
            } catch (AvroSerde.BadRecordException | IllegalArgumentException e) {
                // a record that does not decode, or that names what cannot be (a malformed run id), never will
                deadLetter(r, e.getMessage(), producer);
                return;
            } catch (WakeupException | org.apache.kafka.common.errors.InterruptException | RestartFromCommitted e) {
                throw e;
            } catch (RuntimeException e) {
                processingFailures++;
                if (!running()) {
                    throw e;
                }
                if (attempt >= ATTEMPTS) {
                    deadLetter(r, "processing failed " + attempt + " times, last: " + causes(e), producer);
                    log.errorf(e, "%s: %s-%d@%d dead-lettered after %d failed attempts", name, r.topic(), r.partition(),
                            r.offset(), attempt);
                    return;
                }
                log.warnf("%s: processing %s-%d@%d failed (attempt %d of %d): %s", name, r.topic(), r.partition(),
                        r.offset(), attempt, ATTEMPTS, causes(e));
                pause(100L * attempt);
            }
        }
    }

    /** Sends a record and keeps its acknowledgement for {@link #awaitSends}. */
    protected void send(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
        inFlight.add(producer.send(record));
    }

    /**
     * Waits until every record sent since the last call is acknowledged; call before committing the offsets
     * the sends depend on. A failed send throws, so nothing is committed and the loop starts again from the
     * last committed offsets: the records are processed and sent again.
     */
    protected void awaitSends(KafkaProducer<String, byte[]> producer) {
        producer.flush();
        try {
            for (Future<RecordMetadata> f : inFlight) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a record was not acknowledged by Kafka, so no offset is committed: "
                    + e.getCause(), e.getCause());
        } finally {
            inFlight.clear();
        }
    }

    /** Times a record's processing failed (each attempt counts). */
    public long processingFailures() {
        return processingFailures;
    }

    /** Runs once on the loop's thread before anything else (default: nothing). */
    protected void beforeConsuming() {
    }

    /** Adjusts the consumer's settings (default: none). */
    protected void configure(Properties consumerProps) {
    }

    public void start() {
        running = true;
        thread = new Thread(this::run, name);
        // a loop stuck on an absent broker must not keep the process alive after stop() gave up waiting for it
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() {
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

    protected void status(String status) {
        this.status = status;
    }

    public long deadLettered() {
        return deadLettered;
    }

    /** Records not yet consumed on the assigned partitions, as of the last {@link #poll} (0 before). */
    public long lag() {
        return lag;
    }

    /** Polls, and keeps the consumer's known lag over its assigned partitions for {@link #lag()}. */
    protected ConsumerRecords<String, byte[]> poll(KafkaConsumer<String, byte[]> c, Duration timeout) {
        ConsumerRecords<String, byte[]> records = c.poll(timeout);
        long sum = 0;
        for (org.apache.kafka.common.TopicPartition tp : c.assignment()) {
            sum += c.currentLag(tp).orElse(0);
        }
        lag = sum;
        return records;
    }

    protected boolean running() {
        return running;
    }

    private void run() {
        try {
            beforeConsuming();
            consumeUntilStopped();
        } catch (Error e) {
            status = "failed: " + e;
            log.fatalf(e, "%s cannot go on after %s; exiting with code %d for the supervisor to restart it", name, e,
                    FATAL_EXIT_CODE);
            onFatal(e);
        }
    }

    /**
     * Called on the consuming thread after an {@link Error}; by default exits the process (from another thread,
     * so that shutdown hooks can stop this loop).
     */
    protected void onFatal(Error e) {
        Thread exit = new Thread(() -> System.exit(FATAL_EXIT_CODE), name + "-fatal-exit");
        exit.setDaemon(false);
        exit.start();
    }

    private void consumeUntilStopped() {
        while (running) {
            try {
                status = "creating topics on " + bootstrapServers;
                TopicAdmin.ensureTopics(bootstrapServers, namespace, neuronPartitions, Duration.ofSeconds(30));
                KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps(), new StringDeserializer(),
                        new ByteArrayDeserializer());
                KafkaProducer<String, byte[]> p = new KafkaProducer<>(producerProps(), new StringSerializer(),
                        new ByteArraySerializer());
                try {
                    consumer = c;
                    if (!kafkaWarm) {
                        String before = status;
                        status = "warming up Kafka";
                        long start = System.nanoTime();
                        KafkaWarmup.run(bootstrapServers, namespace, p, 400, Duration.ofSeconds(30));
                        kafkaWarm = true;
                        status = before;
                        log.infof("%s: Kafka round trip warmed up in %.0f ms", name, (System.nanoTime() - start) / 1e6);
                    }
                    inFlight.clear();
                    consume(c, p);
                } finally {
                    consumer = null;
                    // bounded: with the broker gone, an unbounded close waits for ever and the service never stops;
                    // what was not sent is not committed either, so it is read and sent again
                    p.close(CLOSE_TIMEOUT);
                    c.close(CLOSE_TIMEOUT);
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                status = "retrying after error: " + e.getMessage();
                log.errorf(e, "%s failed; starting again in 2 s from the last committed offsets", name);
                if (!pause(2000)) {
                    return;
                }
            }
        }
    }

    /** False when interrupted. */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Sends the record as it came to the dead-letter topic, with why and where from in headers. */
    protected void deadLetter(ConsumerRecord<String, byte[]> r, String reason, KafkaProducer<String, byte[]> producer) {
        log.debugf("dead-lettering %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), reason);
        byte[] value = r.value();
        boolean cut = value != null && value.length > DEAD_LETTER_MAX_VALUE;
        if (cut) {
            // the record came at the size limit: with the headers it would not go out, and a dead letter that
            // cannot be sent would stop the consumer at this record for good
            value = java.util.Arrays.copyOf(value, DEAD_LETTER_MAX_VALUE);
        }
        ProducerRecord<String, byte[]> dl = new ProducerRecord<>(namespace.name(Topics.DEAD_LETTER), r.key(), value);
        // a reason quotes what was wrong, which can be as long as the record: the start says enough
        String why = reason.length() > 4000 ? reason.substring(0, 4000) + "…" : reason;
        dl.headers().add("nnstain.error", why.getBytes(StandardCharsets.UTF_8));
        if (cut) {
            dl.headers().add("nnstain.truncated-from", String.valueOf(r.value().length).getBytes(StandardCharsets.UTF_8));
        }
        // a record given up after it was held (offset unknown here) names only its topic
        String source = r.offset() < 0 ? r.topic() : r.topic() + "-" + r.partition() + "@" + r.offset();
        dl.headers().add("nnstain.source", source.getBytes(StandardCharsets.UTF_8));
        send(producer, dl);
        deadLettered++;
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        // offsets are committed by hand, only past what is durable
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a member that died without leaving blocks a restarted one until its session ends (default 45 s)
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        configure(p);
        return p;
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, name);
        // a structure snapshot of a wide network (every neuron's relevance for every class) passes 1 MB
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, io.nnstain.schemas.topics.Topics.MAX_RECORD_BYTES);
        return p;
    }
}
