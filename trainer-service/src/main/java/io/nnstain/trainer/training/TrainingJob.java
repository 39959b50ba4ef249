package io.nnstain.trainer.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.nnstain.schemas.avro.Divergence;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.avro.RunStatus;
import io.nnstain.schemas.config.RunSpec;
import io.nnstain.trainer.data.Dataset;
import io.nnstain.trainer.data.Datasets.Split;
import io.nnstain.trainer.model.Evaluation;
import io.nnstain.trainer.model.LayerParams;
import io.nnstain.trainer.model.SimpleNN;
import io.nnstain.trainer.probe.Probe;
import io.nnstain.trainer.probe.TraceSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Trains SimpleNN on a split with DJL and, when a sink is given, traces it: E_0 (a forward pass over the
 * training set before any update), then every scanned epoch. Without a sink it trains plainly, which the
 * probe-overhead benchmark compares against.
 */
public final class TrainingJob {

    private static final Logger LOG = Logger.getLogger(TrainingJob.class);

    private final Engine engine;

    public TrainingJob(Engine engine) {
        this.engine = engine;
    }

    /**
     * @param sink null to train without the probe
     */
    public TrainingResult run(String runId, RunSpec spec, Split split, RunStarted started, TraceSink sink,
            ProgressListener progress) {
        Dataset train = split.train();
        Dataset validation = split.validation();
        int[] widths = RunDescriptions.widths(spec, train);
        Set<Integer> scanned = new HashSet<>(spec.scannedEpochs());
        List<TrainingResult.EpochSummary> summaries = new ArrayList<>();
        try (NDManager manager = engine.newBaseManager();
                SimpleNN model = SimpleNN.initialise(manager, widths, spec.activation(), spec.seed());
                Probe probe = sink == null ? null
                        : new Probe(runId, widths, train.classCount(), sink, !spec.dropBatches(), manager)) {
            Optimizer optimizer = optimizer(spec);
            if (probe != null) {
                sink.runStarted(started);
                scanInitialisation(model, train, validation, manager, probe, spec.batchSize());
            }
            Random shuffle = new Random(spec.seed() + 1);
            int[] order = java.util.stream.IntStream.range(0, train.size()).toArray();
            long trainStart = System.nanoTime();
            Evaluation val = null;
            Divergence divergence = null;
            int epochsTrained = 0;
            for (int epoch = 1; epoch <= spec.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                boolean scan = probe != null && scanned.contains(epoch);
                if (scan) {
                    probe.beginEpoch(epoch);
                }
                shuffle(order, shuffle);
                double lossSum = 0;
                int batchIndex = 0;
                for (int from = 0; from < order.length; from += spec.batchSize(), batchIndex++) {
                    int[] idx = Arrays.copyOfRange(order, from, Math.min(order.length, from + spec.batchSize()));
                    float loss = trainBatch(model, optimizer, manager, train, idx, scan ? probe : null, batchIndex);
                    lossSum += (double) loss * idx.length;
                }
                val = Evaluation.of(model, validation, manager);
                double trainLoss = lossSum / order.length;
                double epochMillis = (System.nanoTime() - epochStart) / 1e6;
                List<LayerParams> params = scan ? model.parameters() : null;
                divergence = DivergenceCheck.check(epoch, trainLoss, val.loss(), params, widths.length - 2);
                if (scan) {
                    // a diverged epoch is still sealed: the trace shows what went non-finite, and where
                    probe.sealEpoch(params, val, epochMillis);
                } else if (probe != null) {
                    LOG.infof("run %s epoch %d: loss %.4f, validation accuracy %.3f (not scanned)", runId, epoch,
                            trainLoss, val.accuracy());
                }
                summaries.add(new TrainingResult.EpochSummary(epoch, trainLoss, val.accuracy(), scan));
                progress.epochDone(epoch, spec.epochs(), trainLoss, val.accuracy());
                epochsTrained = epoch;
                if (divergence != null) {
                    LOG.warnf("run %s %s", runId, DivergenceCheck.advice(divergence, spec.learningRate(), spec.optimizer()));
                    break;
                }
            }
            double trainMillis = (System.nanoTime() - trainStart) / 1e6;
            Evaluation finalVal = val; // the network after the last epoch, evaluated there
            int last = epochsTrained;
            List<Integer> sealed = spec.scannedEpochs().stream().filter(e -> e <= last).toList();
            // a non-finite network predicts nothing meaningful: no predictions for the probe set then
            int[] probePredictions = divergence != null ? new int[0]
                    : Evaluation.of(model, RunDescriptions.probeSet(spec, validation), manager).predictions();
            if (probe != null) {
                probe.drain();
                RunFinished.Builder finished = RunFinished.newBuilder().setRunId(runId)
                        .setFinishedAtMs(System.currentTimeMillis()).setEpochsTrained(epochsTrained).setScannedEpochs(sealed)
                        .setProbePredictions(Arrays.stream(probePredictions).boxed().toList());
                if (divergence == null) {
                    finished.setStatus(RunStatus.COMPLETED).setFinalValidationAccuracy(finalVal.accuracy());
                } else {
                    // FAILED on the wire (readers of the 0.1.0 schemas know no other symbol), DIVERGED to people
                    finished.setStatus(RunStatus.FAILED).setDivergence(divergence)
                            .setError(DivergenceCheck.advice(divergence, spec.learningRate(), spec.optimizer()));
                }
                sink.runFinished(finished.build());
                sink.flush();
            }
            return new TrainingResult(runId, epochsTrained, sealed, finalVal.accuracy(), finalVal.loss(),
                    probePredictions, trainMillis, summaries, divergence);
        }
    }

    private static Optimizer optimizer(RunSpec spec) {
        Tracker lr = Tracker.fixed((float) spec.learningRate());
        return switch (spec.optimizer()) {
            case "adam" -> Optimizer.adam().optLearningRateTracker(lr).build();
            case "sgd" -> Optimizer.sgd().setLearningRateTracker(lr).build();
            default -> throw new IllegalArgumentException("optimizer '" + spec.optimizer() + "' is not adam or sgd");
        };
    }

    /** E_0: the initial network's activations over the training set, without updates. */
    private void scanInitialisation(SimpleNN model, Dataset train, Dataset validation, NDManager manager, Probe probe,
            int batchSize) {
        long start = System.nanoTime();
        probe.beginEpoch(0);
        int[] all = java.util.stream.IntStream.range(0, train.size()).toArray();
        for (int from = 0, b = 0; from < all.length; from += batchSize, b++) {
            int[] idx = Arrays.copyOfRange(all, from, Math.min(all.length, from + batchSize));
            try (NDManager batch = manager.newSubManager()) {
                NDList outputs = model.forward(batch.create(features(train, idx), new Shape(idx.length, train.featureCount())));
                float loss = crossEntropy(outputs.get(outputs.size() - 1), idx, train, batch).getFloat();
                probe.batch(outputs, labels(train, idx), loss, b);
            }
        }
        Evaluation val = Evaluation.of(model, validation, manager);
        probe.sealEpoch(model.parameters(), val, (System.nanoTime() - start) / 1e6);
    }

    private float trainBatch(SimpleNN model, Optimizer optimizer, NDManager manager, Dataset train, int[] idx,
            Probe probe, int batchIndex) {
        try (NDManager batch = manager.newSubManager()) {
            NDArray x = batch.create(features(train, idx), new Shape(idx.length, train.featureCount()));
            NDList outputs;
            NDArray loss;
            try (GradientCollector collector = engine.newGradientCollector()) {
                outputs = model.forward(x);
                loss = crossEntropy(outputs.get(outputs.size() - 1), idx, train, batch);
                collector.backward(loss);
            }
            float lossValue = loss.getFloat();
            int layers = model.layerCount();
            NDArray[] weightGradients = new NDArray[layers];
            NDArray[] biasGradients = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                // read before the step and owned by the batch, or native memory leaks
                weightGradients[l] = model.weight(l).getGradient();
                weightGradients[l].attach(batch);
                biasGradients[l] = model.bias(l).getGradient();
                biasGradients[l].attach(batch);
            }
            if (probe != null) {
                probe.batch(outputs, labels(train, idx), lossValue, batchIndex);
                probe.gradients(weightGradients, biasGradients);
            }
            for (int l = 0; l < layers; l++) {
                optimizer.update("w" + l, model.weight(l), weightGradients[l]);
                optimizer.update("b" + l, model.bias(l), biasGradients[l]);
            }
            return lossValue;
        }
    }

    /** Mean softmax cross-entropy of a batch. */
    private static NDArray crossEntropy(NDArray logits, int[] idx, Dataset data, NDManager batch) {
        int classes = data.classCount();
        float[] oneHot = new float[idx.length * classes];
        for (int i = 0; i < idx.length; i++) {
            oneHot[i * classes + data.labels()[idx[i]]] = 1f;
        }
        NDArray target = batch.create(oneHot, new Shape(idx.length, classes));
        return logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
    }

    private static float[] features(Dataset data, int[] idx) {
        int d = data.featureCount();
        float[] flat = new float[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data.features()[idx[i]], 0, flat, i * d, d);
        }
        return flat;
    }

    private static int[] labels(Dataset data, int[] idx) {
        int[] y = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            y[i] = data.labels()[idx[i]];
        }
        return y;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
