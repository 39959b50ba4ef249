package io.nnstain.trainer.probe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.signature.NetworkSignature;
import io.nnstain.trainer.model.Evaluation;
import io.nnstain.trainer.model.LayerParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Records every neuron of every layer at each scanned epoch.
 *
 * <p>Designed for low overhead: per batch the training thread only copies the gradients (which the optimizer
 * changes in place) and hands the layers' outputs over; everything else — one copy per layer to Java,
 * statistics, snapshots, encoding, publishing — runs on a reducer thread while training goes on. Work is
 * handed over in chunks of {@link #CHUNK} tasks (two per batch; waking the reducer for every batch cost more
 * than the work); chunks run in order, and at most {@link #MAX_PENDING} wait, and gradient copies not yet
 * added up take at most {@link #GRADIENT_BUDGET_KIB}, so a slow sink or a wide network slows training instead
 * of filling memory.
 */
public final class Probe implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Probe.class);
    /** Chunks waiting for the reducer; with {@link #CHUNK} they bound the batch outputs held in memory. */
    static final int MAX_PENDING = 4;
    static final int CHUNK = 16;

    private final String runId;
    private final int[] widths;
    private final int total;
    private final int classes;
    private final List<String> layerNames;
    private final boolean keepBatches;
    private final TraceSink sink;
    private final NDManager manager;
    private final ExecutorService reducer;
    private final Semaphore pending = new Semaphore(MAX_PENDING);
    /**
     * KiB of gradient copies handed over and not yet added up: a wide network's are megabytes a batch (7.4 MB on
     * 784-1024-1024-10), so chunks of batches alone would hold hundreds of MB; past this the training thread waits.
     */
    static final int GRADIENT_BUDGET_KIB = 64 * 1024;
    private final Semaphore gradientBudget = new Semaphore(GRADIENT_BUDGET_KIB);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Runnable> local = new ArrayList<>();
    private float[] rowsBuffer = new float[0]; // reducer thread only
    private EpochAccumulator current;
    private List<LayerParams> previousParams;
    private long probeNanos;

    /**
     * @param manager parent of the managers that hold each batch's outputs until the reducer has copied them
     */
    public Probe(String runId, int[] widths, int classes, TraceSink sink, boolean keepBatches, NDManager manager) {
        this.runId = runId;
        this.manager = manager;
        this.widths = widths.clone();
        this.total = Arrays.stream(widths).sum();
        this.classes = classes;
        this.sink = sink;
        this.keepBatches = keepBatches;
        List<String> names = new ArrayList<>();
        for (int l = 0; l < widths.length; l++) {
            names.add(NetworkSignature.layerName(l, widths.length - 2));
        }
        this.layerNames = List.copyOf(names);
        this.reducer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "probe-reducer-" + runId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts statistics for a scanned epoch (training thread). */
    public void beginEpoch(int epoch) {
        current = new EpochAccumulator(epoch, total, widths[0], classes);
    }

    /**
     * Hands over one batch (training thread): only moves the outputs to a manager of the probe's; the reducer
     * copies them to Java once, side by side, and frees them, while training goes on.
     *
     * @param outputs every layer's output, (batch, width) each, input first; not to be used by the caller after
     */
    public void batch(NDList outputs, int[] labels, float meanLoss, int batchIndex) {
        long start = System.nanoTime();
        NDManager owner = manager.newSubManager();
        outputs.attach(owner);
        EpochAccumulator acc = current;
        queue(() -> {
            float[] rows = sideBySide(outputs, labels.length, owner);
            acc.addBatch(rows, labels, meanLoss);
            if (keepBatches && acc.epoch > 0) {
                publishBatch(acc.epoch, batchIndex, rows, labels.length, meanLoss);
            }
        });
        probeNanos += System.nanoTime() - start;
    }

    /**
     * One copy per layer into one (batch, total) array, then frees the outputs. Done in Java rather than by an
     * engine concat, which on this thread measurably slowed training (docs/benchmarks.md).
     */
    private float[] sideBySide(NDList outputs, int batchSize, NDManager owner) {
        // one buffer, reused batch after batch: the reducer is a single thread and is done with it before the next
        if (rowsBuffer.length < batchSize * total) {
            rowsBuffer = new float[batchSize * total];
        }
        float[] rows = rowsBuffer;
        try (owner) {
            int offset = 0;
            for (int l = 0; l < outputs.size(); l++) {
                java.nio.FloatBuffer layer = HostCopy.view(outputs.get(l)); // (batch, widths[l])
                int w = widths[l];
                for (int i = 0; i < batchSize; i++) {
                    layer.get(i * w, rows, i * total + offset, w);
                }
                offset += w;
            }
        }
        return rows;
    }

    /**
     * Copies the gradients of the batch just back-propagated (training thread: the optimizer's step and the
     * next backward pass change them in place).
     *
     * @param weightGradients per dense layer, (out, in)
     * @param biasGradients per dense layer, (out)
     */
    public void gradients(NDArray[] weightGradients, NDArray[] biasGradients) {
        long start = System.nanoTime();
        long values = 0;
        for (int l = 0; l < weightGradients.length; l++) {
            values += weightGradients[l].size() + biasGradients[l].size();
        }
        int kib = (int) Math.min(GRADIENT_BUDGET_KIB, (values * Float.BYTES + 1023) / 1024);
        reserveGradients(kib);
        float[][] gw = new float[weightGradients.length][];
        float[][] gb = new float[biasGradients.length][];
        for (int l = 0; l < gw.length; l++) {
            gw[l] = HostCopy.copy(weightGradients[l]);
            gb[l] = HostCopy.copy(biasGradients[l]);
        }
        EpochAccumulator acc = current;
        queue(() -> {
            try {
                acc.addGradients(gw, gb, widths);
            } finally {
                gradientBudget.release(kib);
            }
        });
        probeNanos += System.nanoTime() - start;
    }

    /**
     * Waits until the gradient copies not yet added up leave room for {@code kib} more; hands over what is
     * collected first, so that the reducer can free it. Rethrows a reducer failure instead of waiting for ever.
     */
    private void reserveGradients(int kib) {
        if (gradientBudget.tryAcquire(kib)) {
            return;
        }
        handOver();
        try {
            while (!gradientBudget.tryAcquire(kib, 100, TimeUnit.MILLISECONDS)) {
                rethrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the probe", e);
        }
    }

    /** Seals the current scanned epoch: snapshots of all neurons, then EpochSealed (training thread). */
    public void sealEpoch(List<LayerParams> params, Evaluation validation, double epochMillis) {
        EpochAccumulator acc = current;
        current = null;
        List<LayerParams> previous = previousParams;
        previousParams = params;
        double probeMillis = probeNanos / 1e6;
        probeNanos = 0;
        queue(() -> publishEpoch(acc, params, previous, validation, epochMillis, probeMillis));
        handOver();
    }

    /** Waits until every task handed over has run, then flushes the sink; rethrows a reducer failure. */
    public void drain() {
        handOver();
        try {
            pending.acquire(MAX_PENDING);
            pending.release(MAX_PENDING);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while draining the probe", e);
        }
        rethrow();
        sink.flush();
    }

    /**
     * Collects work on the training thread and hands it over in chunks: waking the reducer for every batch
     * cost more than the work itself.
     */
    private void queue(Runnable task) {
        local.add(task);
        if (local.size() >= CHUNK) {
            handOver();
        }
    }

    private void handOver() {
        if (local.isEmpty()) {
            return;
        }
        List<Runnable> chunk = List.copyOf(local);
        local.clear();
        submit(() -> chunk.forEach(Runnable::run));
    }

    private void submit(Runnable task) {
        rethrow();
        try {
            pending.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing a batch to the probe", e);
        }
        reducer.execute(() -> {
            try {
                if (failure.get() == null) {
                    task.run();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                pending.release();
            }
        });
    }

    private void rethrow() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("the probe failed: " + t, t);
        }
    }

    private void publishBatch(int epoch, int batchIndex, float[] rows, int batchSize, float loss) {
        int offset = 0;
        for (int l = 0; l < widths.length; l++) {
            int w = widths[l];
            List<Float> means = new ArrayList<>(w);
            long zeros = 0;
            for (int j = 0; j < w; j++) {
                double s = 0;
                for (int i = 0; i < batchSize; i++) {
                    float a = rows[i * total + offset + j];
                    s += a;
                    if (a == 0f) {
                        zeros++;
                    }
                }
                means.add((float) (s / batchSize));
            }
            sink.batch(BatchSnapshot.newBuilder().setRunId(runId).setEpoch(epoch).setBatch(batchIndex)
                    .setLayer(layerNames.get(l)).setLayerIndex(l).setBatchSize(batchSize).setLoss(loss)
                    .setNeuronMeans(means).setZeroFraction((float) zeros / ((long) batchSize * w)).build());
            offset += w;
        }
    }

    private void publishEpoch(EpochAccumulator acc, List<LayerParams> params, List<LayerParams> previous,
            Evaluation validation, double epochMillis, double probeMillis) {
        List<Integer> counts = new ArrayList<>();
        int offset = 0;
        for (int l = 0; l < widths.length; l++) {
            for (int j = 0; j < widths[l]; j++) {
                sink.neuron(NeuronSnapshots.of(runId, layerNames.get(l), l, j, offset + j, acc,
                        l == 0 ? null : params.get(l - 1), previous == null || l == 0 ? null : previous.get(l - 1)));
            }
            counts.add(widths[l]);
            offset += widths[l];
        }
        double trainAccuracy = acc.samples == 0 ? 0 : (double) acc.correct / acc.samples;
        List<Double> trainClassAccuracy = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            trainClassAccuracy.add(acc.classSamples[c] == 0 ? Double.NaN : (double) acc.classCorrect[c] / acc.classSamples[c]);
        }
        List<Double> valClassAccuracy = Arrays.stream(validation.classAccuracy()).boxed().toList();
        Double trainLoss = acc.lossSamples == 0 ? null : acc.lossSum / acc.lossSamples;
        sink.epochSealed(EpochSealed.newBuilder().setRunId(runId).setEpoch(acc.epoch).setSnapshotsPerLayer(counts)
                .setBatchesSent(keepBatches && acc.epoch > 0 ? batchesSent(acc) : 0).setTrainLoss(trainLoss)
                .setTrainAccuracy(trainAccuracy).setTrainClassAccuracy(trainClassAccuracy)
                .setValidationLoss(validation.loss()).setValidationAccuracy(validation.accuracy())
                .setValidationClassAccuracy(valClassAccuracy).setEpochTimeMs(epochMillis).setProbeTimeMs(probeMillis)
                .build());
        LOG.infof("run %s E_%d: loss %.4f, accuracy %.3f, validation accuracy %.3f, %d snapshots sent",
                runId, acc.epoch, trainLoss == null ? Double.NaN : trainLoss, trainAccuracy, validation.accuracy(), total);
    }

    private int batchesSent(EpochAccumulator acc) {
        return acc.batches * widths.length;
    }

    @Override
    public void close() {
        reducer.shutdown();
        try {
            if (!reducer.awaitTermination(60, TimeUnit.SECONDS)) {
                reducer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reducer.shutdownNow();
        }
    }
}
