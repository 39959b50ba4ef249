package io.nnstain.trainer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.serde.NeuronRow;
import io.nnstain.trainer.probe.TraceSink;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The trainer's metrics (docs/metrics.md), per run: loss and accuracy of the latest scanned epoch, epoch and
 * probe time, snapshots and bytes published.
 */
@ApplicationScoped
public class TrainerMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final Map<String, Counter> published = new ConcurrentHashMap<>();

    public TrainerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A sink that measures what passes through it on its way to {@code target}. */
    public TraceSink metered(TraceSink target) {
        return new Metered(target);
    }

    /** Bytes of encoded records handed to Kafka, per topic. */
    public void published(String topic, int bytes) {
        published.computeIfAbsent(topic, t -> Counter.builder("nnstain.trainer.bytes.published")
                .tag("topic", t).description("Encoded bytes of the records published, per topic").register(registry))
                .increment(bytes);
    }

    private void gauge(String name, String description, Tags tags, double value) {
        String key = name + tags;
        gauges.computeIfAbsent(key, k -> {
            AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
            io.micrometer.core.instrument.Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get()))
                    .description(description).tags(tags).register(registry);
            return bits;
        }).set(Double.doubleToLongBits(value));
    }

    private void splits(String name, String description, Tags run, Double train, Double validation) {
        gauge(name, description, run.and("split", "train"), value(train));
        gauge(name, description, run.and("split", "validation"), value(validation));
    }

    private static double value(Double d) {
        return d == null ? Double.NaN : d;
    }

    private final class Metered implements TraceSink {

        private final TraceSink target;
        /** per layer of this run; the sink serves one run */
        private final Map<String, Counter> snapshots = new ConcurrentHashMap<>();

        Metered(TraceSink target) {
            this.target = target;
        }

        @Override
        public void runStarted(RunStarted event) {
            target.runStarted(event);
        }

        @Override
        public void neuron(NeuronRow snapshot) {
            target.neuron(snapshot);
            snapshots.computeIfAbsent(snapshot.layer(), layer -> Counter.builder("nnstain.trainer.snapshots.published")
                    .tag("run", snapshot.runId()).tag("layer", layer).description("NeuronSnapshots published")
                    .register(registry)).increment();
        }

        @Override
        public void batch(BatchSnapshot snapshot) {
            target.batch(snapshot);
        }

        @Override
        public void epochSealed(EpochSealed e) {
            target.epochSealed(e);
            Tags run = Tags.of("run", e.getRunId());
            gauge("nnstain.trainer.epoch", "The latest scanned epoch", run, e.getEpoch());
            splits("nnstain.trainer.loss", "Loss of the latest scanned epoch", run, e.getTrainLoss(),
                    e.getValidationLoss());
            splits("nnstain.trainer.accuracy", "Accuracy of the latest scanned epoch", run, e.getTrainAccuracy(),
                    e.getValidationAccuracy());
            if (e.getEpoch() > 0) { // E_0 is the network at initialisation: no training, no probe time
                Timer.builder("nnstain.trainer.epoch.time").tags(run).description("Wall time of a scanned epoch's"
                        + " training, probe included").register(registry).record((long) (e.getEpochTimeMs() * 1e6), TimeUnit.NANOSECONDS);
                Timer.builder("nnstain.trainer.probe.time").tags(run).description("Time the probe added to a scanned"
                        + " epoch").register(registry).record((long) (e.getProbeTimeMs() * 1e6), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void runFinished(RunFinished event) {
            target.runFinished(event);
        }

        @Override
        public void flush() {
            target.flush();
        }

        @Override
        public void close() {
            target.close();
        }
    }
}
