package io.nnstain.analyzer.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.nnstain.analyzer.emergence.Emergence;
import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.messaging.ConsumerLoop;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The analyzer's metrics (docs/metrics.md): analysis time per epoch; per run and class the structure's
 * stability (overlap with the previous analysed epoch), and once the run is finished its settling epoch and
 * the accuracy its ablation costs the class.
 */
@ApplicationScoped
public class AnalyzerMetrics {

    private final MeterRegistry registry;
    private final Timer analysisTime;
    private final io.micrometer.core.instrument.Counter notAnalysable;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    /** per run, each class's hidden structure at the previous analysed epoch */
    private final Map<String, Map<Integer, Set<Long>>> previous = new ConcurrentHashMap<>();

    public AnalyzerMetrics(MeterRegistry registry) {
        this.registry = registry;
        analysisTime = Timer.builder("nnstain.analyzer.analysis.time").description("Time to find an epoch's"
                + " structures, store and publish them").publishPercentiles(0.5, 0.95).register(registry);
        notAnalysable = io.micrometer.core.instrument.Counter.builder("nnstain.analyzer.epochs.not.analysable")
                .description("Epochs skipped because they hold non-finite numbers (diverged runs)").register(registry);
    }

    public void notAnalysable() {
        notAnalysable.increment();
    }

    /** Dead letters and lag of the service's consumer. */
    public void bind(ConsumerLoop consumer) {
        FunctionCounter.builder("nnstain.analyzer.dead.letters", consumer, ConsumerLoop::deadLettered)
                .description("Records sent to the dead-letter topic").register(registry);
        Gauge.builder("nnstain.analyzer.consumer.lag", consumer, ConsumerLoop::lag)
                .description("EpochAssembled records not yet consumed").register(registry);
        FunctionCounter.builder("nnstain.analyzer.processing.failures", consumer, ConsumerLoop::processingFailures)
                .description("Failed attempts at analysing an epoch (retried, then dead-lettered)").register(registry);
    }

    public void analysed(StructureSnapshot s, long nanos) {
        analysisTime.record(nanos, TimeUnit.NANOSECONDS);
        Map<Integer, Set<Long>> now = new HashMap<>();
        Map<Integer, Set<Long>> before = previous.getOrDefault(s.getRunId(), Map.of());
        for (ClassStructure cs : s.getClasses()) {
            Set<Long> hidden = Emergence.hidden(cs);
            now.put(cs.getClassIndex(), hidden);
            Set<Long> last = before.get(cs.getClassIndex());
            if (last != null) {
                gauge("nnstain.analyzer.structure.stability", "Overlap (Jaccard) of a class's structure with the one"
                        + " at the previous analysed epoch", tags(s.getRunId(), cs.getClassName()),
                        Emergence.jaccard(hidden, last));
            }
        }
        previous.put(s.getRunId(), now);
    }

    /** The run's summary (emergence and verification side by side per class) after its final epoch. */
    public void finished(String runId, JsonNode summary) {
        previous.remove(runId);
        for (JsonNode c : summary.path("classes")) {
            Tags tags = tags(runId, c.path("class_name").asText());
            gauge("nnstain.analyzer.settling.epoch", "Epoch after which the class's structure overlaps the final"
                    + " one by at least 0.8", tags, c.path("settling_epoch").asDouble(Double.NaN));
            gauge("nnstain.analyzer.ablation.effect", "Accuracy the class loses when its structure is silenced"
                    + " (final epoch, probe set)", tags.and("on", "class"), c.path("class_drop").asDouble(Double.NaN));
            gauge("nnstain.analyzer.ablation.effect", "Accuracy the class loses when its structure is silenced"
                    + " (final epoch, probe set)", tags.and("on", "others"), c.path("other_drop").asDouble(Double.NaN));
        }
    }

    private static Tags tags(String run, String className) {
        return Tags.of("run", run, "class", className);
    }

    private void gauge(String name, String description, Tags tags, double value) {
        gauges.computeIfAbsent(name + tags, k -> {
            AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
            Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get())).description(description).tags(tags)
                    .register(registry);
            return bits;
        }).set(Double.doubleToLongBits(value));
    }
}
