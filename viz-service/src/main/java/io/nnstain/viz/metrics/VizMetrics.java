package io.nnstain.viz.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nnstain.schemas.messaging.ConsumerLoop;
import io.nnstain.viz.report.Live;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** The viz service's metrics (docs/metrics.md): render time per picture and format, connected UI clients. */
@ApplicationScoped
public class VizMetrics {

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public VizMetrics(MeterRegistry registry, Live live) {
        this.registry = registry;
        Gauge.builder("nnstain.viz.ui.clients", live, Live::clients).description("Run pages following a run by"
                + " server-sent events now").register(registry);
    }

    /** Dead letters and lag of the service's consumer. */
    public void bind(ConsumerLoop consumer) {
        FunctionCounter.builder("nnstain.viz.dead.letters", consumer, ConsumerLoop::deadLettered)
                .description("Records sent to the dead-letter topic").register(registry);
        Gauge.builder("nnstain.viz.consumer.lag", consumer, ConsumerLoop::lag)
                .description("StructureSnapshot records not yet consumed").register(registry);
    }

    /** Draws a picture, timing it as {@code nnstain.viz.render.time{picture, format}}. */
    public byte[] render(String picture, String format, Supplier<byte[]> draw) {
        Timer timer = timers.computeIfAbsent(picture + "/" + format, k -> Timer.builder("nnstain.viz.render.time")
                .description("Time to draw and encode a picture").tag("picture", picture).tag("format", format)
                .publishPercentiles(0.5, 0.95).register(registry));
        return timer.record(draw);
    }
}
