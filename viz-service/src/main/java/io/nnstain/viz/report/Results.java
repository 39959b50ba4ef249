package io.nnstain.viz.report;

import io.nnstain.store.StoredRun;
import io.nnstain.store.TraceStore;
import io.nnstain.viz.VizConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Every run's results/ folder: written by itself once the run's final epoch is analysed (after waiting a
 * while for the analyzer's emergence and verification, which it writes just after), or on request.
 */
@ApplicationScoped
public class Results {

    private static final Logger LOG = Logger.getLogger(Results.class);
    /** How long the writer waits for emergence.json and verification.json after the final epoch's structures. */
    static final long WAIT_FOR_SUMMARY_MS = 60_000;

    private final RunData data;
    private final Path root;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "results-writer");
        t.setDaemon(true);
        return t;
    });

    @jakarta.inject.Inject
    public Results(RunData data, VizConfig config) {
        this(data, Path.of(config.resultsDir()));
    }

    public Results(RunData data, Path root) {
        this.data = data;
        this.root = root.toAbsolutePath();
    }

    public RunData data() {
        return data;
    }

    /** The run's folder under results/ (whether written or not). */
    public Path dir(String runId) {
        if (runId == null || !TraceStore.RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("'" + runId + "' is not a run id");
        }
        return root.resolve(runId);
    }

    /** Told for every analysed epoch; the final one has the run's results written in the background. */
    public void epochAnalysed(String runId, int epoch) {
        Optional<StoredRun> run = data.run(runId);
        if (run.isEmpty() || epoch != run.get().finalEpoch()) {
            return;
        }
        writer.submit(() -> {
            try {
                long deadline = System.currentTimeMillis() + WAIT_FOR_SUMMARY_MS;
                while ((data.emergence(runId).isEmpty() || data.verification(runId).isEmpty())
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                if (data.emergence(runId).isEmpty() || data.verification(runId).isEmpty()) {
                    LOG.warnf("run %s: no emergence or verification from the analyzer after %d s; writing its results"
                            + " without them", runId, WAIT_FOR_SUMMARY_MS / 1000);
                }
                write(runId);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.errorf(e, "could not write the results of run %s", runId);
            }
        });
    }

    /**
     * Writes the run's results/ folder now, from what is stored.
     *
     * @return the folder, or empty when the run's final epoch has no structures yet
     */
    public synchronized Optional<Path> write(String runId) {
        StoredRun run = data.run(runId).orElseThrow(() -> new IllegalArgumentException("no run '" + runId + "'"));
        if (data.structures(runId, run.finalEpoch()).isEmpty()) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        Path dir = new ResultsWriter(data, run).write(dir(runId));
        LOG.infof("run %s: results written to %s in %.0f ms", runId, dir, (System.nanoTime() - start) / 1e6);
        return Optional.of(dir);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        writer.shutdown();
        writer.awaitTermination(20, TimeUnit.SECONDS);
    }
}
