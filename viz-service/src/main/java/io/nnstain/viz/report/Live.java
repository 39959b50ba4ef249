package io.nnstain.viz.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/** The open run pages: each analysed epoch is pushed to the pages of its run. */
@ApplicationScoped
public class Live {

    /** What a page is told: this epoch of this run has its structures now. */
    public record Analysed(@JsonProperty("run_id") String runId, @JsonProperty("epoch") int epoch) {
    }

    private final BroadcastProcessor<Analysed> processor = BroadcastProcessor.create();
    private final AtomicInteger clients = new AtomicInteger();

    public void analysed(String runId, int epoch) {
        processor.onNext(new Analysed(runId, epoch));
    }

    public Multi<Analysed> of(String runId) {
        return processor.filter(a -> a.runId().equals(runId))
                .onSubscription().invoke(s -> clients.incrementAndGet())
                .onTermination().invoke(clients::decrementAndGet);
    }

    /** Pages following a run now. */
    public int clients() {
        return clients.get();
    }
}
