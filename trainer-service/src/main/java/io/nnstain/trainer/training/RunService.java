package io.nnstain.trainer.training;

import io.nnstain.schemas.avro.Divergence;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.avro.RunStatus;
import io.nnstain.schemas.config.RunSpec;
import io.nnstain.schemas.messaging.KafkaWarmup;
import io.nnstain.schemas.topics.TopicAdmin;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.trainer.TrainerConfig;
import io.nnstain.trainer.data.Datasets;
import io.nnstain.trainer.metrics.TrainerMetrics;
import io.nnstain.trainer.model.DjlEngine;
import io.nnstain.trainer.publish.KafkaTraceSink;
import io.nnstain.trainer.publish.Producers;
import io.nnstain.trainer.rest.RunStatusView;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.Producer;
import org.jboss.logging.Logger;

/**
 * Runs training jobs one at a time, in the order submitted. A run submitted while another trains waits in a
 * queue of {@code nnstain.queue-capacity}; beyond that, submissions are refused. One engine thread setting
 * keeps runs reproducible, and one run at a time keeps them from competing for the two cores.
 */
@ApplicationScoped
public class RunService {

    private static final Logger LOG = Logger.getLogger(RunService.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final TrainerConfig config;
    private final Map<String, RunState> runs = new LinkedHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "training"));
    private final SecureRandom random = new SecureRandom();
    private Producer<String, byte[]> producer;

    private final TrainerMetrics metrics;

    public RunService(TrainerConfig config, TrainerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        // must be set before the first engine use; application.properties does not reach DJL
        DjlEngine.get(config.torchThreads());
        // first on the training thread, so that a run submitted meanwhile waits behind it
        worker.submit(this::warmUpKafka);
    }

    /** The producer created and warmed before the first run (see {@link KafkaWarmup}); a failure only logs. */
    private void warmUpKafka() {
        long start = System.nanoTime();
        try {
            TopicNamespace namespace = new TopicNamespace(config.topicPrefix());
            TopicAdmin.ensureTopics(config.kafkaBootstrapServers(), namespace, config.neuronPartitions(),
                    Duration.ofSeconds(30));
            KafkaWarmup.run(config.kafkaBootstrapServers(), namespace, producer(), 400, Duration.ofSeconds(30));
            LOG.infof("Kafka round trip warmed up in %.0f ms", (System.nanoTime() - start) / 1e6);
        } catch (RuntimeException e) {
            LOG.warnf("Kafka warm-up failed (%s); the first run will start slower", e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        worker.shutdownNow();
        synchronized (this) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
        }
    }

    /** Queues a validated run; throws {@link QueueFullException} when the queue is full. */
    public synchronized RunStatusView submit(RunSpec spec) {
        spec.validated();
        long waiting = runs.values().stream().filter(r -> r.state.equals("QUEUED")).count();
        if (waiting >= config.queueCapacity()) {
            throw new QueueFullException("the training queue is full (" + waiting + " runs wait behind the one training);"
                    + " try again when a run has finished");
        }
        String id = spec.dataset() + "-" + LocalDateTime.now().format(ID_TIME) + "-"
                + String.format("%04x", random.nextInt(0x10000));
        RunState state = new RunState(id, spec);
        runs.put(id, state);
        worker.submit(() -> execute(state));
        LOG.infof("run %s queued: %s", id, spec);
        return view(state);
    }

    public synchronized List<RunStatusView> list() {
        List<RunStatusView> out = new ArrayList<>();
        runs.values().forEach(r -> out.add(view(r)));
        return out;
    }

    public synchronized Optional<RunStatusView> get(String id) {
        return Optional.ofNullable(runs.get(id)).map(this::view);
    }

    private void execute(RunState state) {
        synchronized (this) {
            state.state = "RUNNING";
        }
        RunSpec spec = state.spec;
        KafkaTraceSink sink = null;
        try {
            TopicNamespace namespace = new TopicNamespace(config.topicPrefix());
            int partitions = TopicAdmin.ensureTopics(config.kafkaBootstrapServers(), namespace,
                    config.neuronPartitions(), Duration.ofSeconds(60));
            sink = new KafkaTraceSink(producer(), namespace, partitions, metrics::published);
            Datasets.Split split = Datasets.prepare(spec);
            RunStarted started = RunDescriptions.runStarted(state.id, spec, split,
                    RunDescriptions.probeSet(spec, split.validation()), partitions);
            LOG.infof("run %s training: %s on %s, %d train / %d validation samples, scanning epochs %s", state.id,
                    started.getTopology().getLayers().stream().map(l -> l.getName() + ":" + l.getWidth()).toList(),
                    spec.dataset(), split.train().size(), split.validation().size(), spec.scannedEpochs());
            TrainingResult result = new TrainingJob(DjlEngine.get(config.torchThreads())).run(state.id, spec, split,
                    started, metrics.metered(sink), (epoch, epochs, loss, accuracy) -> progress(state, epoch, loss, accuracy));
            if (result.diverged()) {
                synchronized (this) {
                    state.state = "DIVERGED";
                    state.error = DivergenceCheck.advice(result.divergence(), spec.learningRate(), spec.optimizer());
                    state.divergence = result.divergence();
                }
                LOG.warnf("run %s diverged: %s", state.id, state.error);
                return;
            }
            synchronized (this) {
                state.state = "COMPLETED";
            }
            LOG.infof("run %s completed: validation accuracy %.3f, %d records (%d bytes) published", state.id,
                    result.finalValidationAccuracy(), sink.recordsSent(), sink.bytesSent());
        } catch (RuntimeException e) {
            LOG.errorf(e, "run %s failed", state.id);
            synchronized (this) {
                state.state = "FAILED";
                state.error = failure(e);
            }
            if (sink != null) {
                tryPublishFailure(sink, state, e);
            }
        }
    }

    /** Why a run failed, in a person's words where the cause is known. */
    private String failure(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.TimeoutException) {
                return "Kafka at " + config.kafkaBootstrapServers() + " did not acknowledge the trace within "
                        + config.deliveryTimeout().toSeconds() + " s (is the broker down?); the epochs stored before stay"
                        + " stored. Cause: " + t.getMessage();
            }
        }
        return e.getMessage();
    }

    private void tryPublishFailure(KafkaTraceSink sink, RunState state, RuntimeException cause) {
        try {
            sink.runFinished(RunFinished.newBuilder().setRunId(state.id).setFinishedAtMs(System.currentTimeMillis())
                    .setStatus(RunStatus.FAILED).setError(String.valueOf(cause.getMessage()))
                    .setEpochsTrained(state.epochsDone).setScannedEpochs(List.of()).setProbePredictions(List.of())
                    .build());
            sink.flush();
        } catch (RuntimeException e) {
            LOG.warnf("run %s: could not publish its failure: %s", state.id, e.toString());
        }
    }

    private synchronized void progress(RunState state, int epoch, double loss, double accuracy) {
        state.epochsDone = epoch;
        state.trainLoss = loss;
        state.validationAccuracy = accuracy;
    }

    private synchronized Producer<String, byte[]> producer() {
        if (producer == null) {
            producer = Producers.create(config.kafkaBootstrapServers(), "nnstain-trainer", config.deliveryTimeout());
        }
        return producer;
    }

    private RunStatusView view(RunState r) {
        Integer position = null;
        if (r.state.equals("QUEUED")) {
            int p = 0;
            for (RunState other : runs.values()) {
                if (other == r) {
                    break;
                }
                if (other.state.equals("QUEUED")) {
                    p++;
                }
            }
            position = p + 1;
        }
        int epochs = r.spec.epochs();
        return new RunStatusView(r.id, r.state, r.spec, r.epochsDone, epochs, (double) r.epochsDone / epochs,
                r.spec.scannedEpochs(), r.trainLoss, r.validationAccuracy, position, r.error, r.submittedAt,
                r.divergence == null ? null : new RunStatusView.DivergenceView(r.divergence.getEpoch(),
                        r.divergence.getLayer(), r.divergence.getWhat()));
    }

    private static final class RunState {
        final String id;
        final RunSpec spec;
        final long submittedAt = System.currentTimeMillis();
        String state = "QUEUED";
        int epochsDone;
        Double trainLoss;
        Double validationAccuracy;
        String error;
        Divergence divergence;

        RunState(String id, RunSpec spec) {
            this.id = id;
            this.spec = spec;
        }
    }

    /** The queue of waiting runs is full. */
    public static final class QueueFullException extends RuntimeException {
        public QueueFullException(String message) {
            super(message);
        }
    }
}
