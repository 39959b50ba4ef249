package io.nnstain.trainer.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.config.RunSpec;
import io.nnstain.trainer.data.Dataset;
import io.nnstain.trainer.data.Datasets;
import io.nnstain.trainer.model.DjlEngine;
import io.nnstain.trainer.training.ProgressListener;
import io.nnstain.trainer.training.RunDescriptions;
import io.nnstain.trainer.training.TrainingJob;
import io.nnstain.trainer.training.TrainingResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeTest {

    static final RunSpec SMALL = RunSpec.defaults().withHidden(List.of(8, 6)).withEpochs(4).withBatchSize(50);

    static MemorySink trace(RunSpec spec) {
        MemorySink sink = new MemorySink();
        Datasets.Split split = Datasets.prepare(spec);
        var started = RunDescriptions.runStarted("t", spec, split, RunDescriptions.probeSet(spec, split.validation()), 1);
        new TrainingJob(DjlEngine.get(1)).run("t", spec, split, started, sink, ProgressListener.NONE);
        return sink;
    }

    @Test
    void shouldSnapshotEveryNeuronOfEveryLayerAtEveryScannedEpoch() {
        MemorySink sink = trace(SMALL);
        // moons: 2 inputs, 8, 6, 2 outputs = 18 neurons; E_0..E_4
        assertEquals(5 * 18, sink.neurons.size());
        assertEquals(List.of(0, 1, 2, 3, 4), sink.sealed.stream().map(e -> e.getEpoch()).toList());
        assertEquals(List.of(2, 8, 6, 2), sink.sealed.get(0).getSnapshotsPerLayer());
        assertEquals(1, sink.started.size());
        assertEquals(1, sink.finished.size());
        assertTrue(sink.batches.isEmpty(), "batches are dropped by default");
        NeuronSnapshot h = sink.neuronsOf(3, "hidden_2").get(5);
        assertEquals(8, h.getWeights().size());
        assertEquals(2, h.getClassMeans().size());
        assertNotNull(h.getGradWeightNorm());
        assertNotNull(h.getWeightChange());
        NeuronSnapshot input = sink.neuronsOf(3, "input").get(0);
        assertTrue(input.getWeights().isEmpty());
        assertNull(input.getBias());
        NeuronSnapshot initial = sink.neuronsOf(0, "output").get(0);
        assertNull(initial.getGradWeightNorm(), "no gradients before training");
        assertNull(initial.getWeightChange());
    }

    /**
     * Plain SGD moves the weights by -lr times the sum of the batch gradients, so the epoch's weight change
     * must equal -lr x batches x the recorded mean gradient: an independent check of grad_weight_mean.
     */
    @Test
    void shouldRecordTheMeanGradientThatPlainSgdMovedTheWeightsBy() {
        float lr = 0.05f;
        RunSpec spec = SMALL.withOptimizer("sgd", lr);
        MemorySink sink = trace(spec);
        int batches = (Datasets.prepare(spec).train().size() + spec.batchSize() - 1) / spec.batchSize();
        int checked = 0;
        for (String layer : List.of("hidden_1", "hidden_2", "output")) {
            List<NeuronSnapshot> before = sink.neuronsOf(2, layer);
            List<NeuronSnapshot> after = sink.neuronsOf(3, layer);
            for (int n = 0; n < after.size(); n++) {
                List<Float> g = after.get(n).getGradWeightMean();
                assertEquals(after.get(n).getWeights().size(), g.size());
                double norm = 0;
                for (int i = 0; i < g.size(); i++) {
                    double moved = after.get(n).getWeights().get(i) - before.get(n).getWeights().get(i);
                    assertEquals(-lr * batches * g.get(i), moved, 1e-5 + 1e-3 * Math.abs(moved), layer + " n_" + n + " w" + i);
                    norm += g.get(i) * g.get(i);
                    checked++;
                }
                assertTrue(Math.sqrt(norm) <= after.get(n).getGradWeightNorm() * (1 + 1e-5),
                        "the mean's norm is at most the mean of the norms");
            }
        }
        assertEquals(2 * 8 + 8 * 6 + 6 * 2, checked);
        assertNull(sink.neuronsOf(0, "output").get(0).getGradWeightMean(), "no gradients before training");
        assertNull(sink.neuronsOf(3, "input").get(0).getGradWeightMean());
    }

    /** E_0 is a pure forward pass: recompute it in plain Java from the snapshot's own weights. */
    @Test
    void shouldRecordInitialActivationsThatThePublishedWeightsReproduce() {
        MemorySink sink = trace(SMALL);
        Dataset train = Datasets.prepare(SMALL).train();
        List<List<NeuronSnapshot>> layers = List.of(sink.neuronsOf(0, "hidden_1"), sink.neuronsOf(0, "hidden_2"),
                sink.neuronsOf(0, "output"));
        int n = train.size();
        double[][] sums = new double[3][];
        double[][] classSums = new double[3][];
        float[][] mins = new float[3][];
        for (int l = 0; l < 3; l++) {
            sums[l] = new double[layers.get(l).size()];
            classSums[l] = new double[layers.get(l).size()];
            mins[l] = new float[layers.get(l).size()];
            java.util.Arrays.fill(mins[l], Float.MAX_VALUE);
        }
        int class1 = 0;
        for (int i = 0; i < n; i++) {
            float[] h = train.features()[i];
            boolean isClass1 = train.labels()[i] == 1;
            class1 += isClass1 ? 1 : 0;
            for (int l = 0; l < 3; l++) {
                List<NeuronSnapshot> layer = layers.get(l);
                float[] out = new float[layer.size()];
                for (int j = 0; j < out.length; j++) {
                    double z = layer.get(j).getBias();
                    for (int k = 0; k < h.length; k++) {
                        z += layer.get(j).getWeights().get(k) * h[k];
                    }
                    out[j] = l < 2 ? (float) Math.max(0, z) : (float) z;
                    sums[l][j] += out[j];
                    mins[l][j] = Math.min(mins[l][j], out[j]);
                    if (isClass1) {
                        classSums[l][j] += out[j];
                    }
                }
                h = out;
            }
        }
        for (int l = 0; l < 3; l++) {
            for (int j = 0; j < sums[l].length; j++) {
                NeuronSnapshot s = layers.get(l).get(j);
                assertEquals(sums[l][j] / n, s.getActMean(), 1e-4, "mean of " + s.getLayer() + "/" + j);
                assertEquals(classSums[l][j] / class1, s.getClassMeans().get(1), 1e-4, "class-1 mean of " + s.getLayer() + "/" + j);
                assertEquals(mins[l][j], s.getActMin(), 1e-4);
                assertEquals(n, s.getSamples());
            }
        }
    }

    @Test
    void shouldScanEveryNthEpochOrExactlyTheListed() {
        assertEquals(List.of(0, 2, 4), trace(SMALL.withEpochIntervals("2")).sealed.stream().map(e -> e.getEpoch()).toList());
        MemorySink listed = trace(SMALL.withEpochIntervals("1,3"));
        assertEquals(List.of(0, 1, 3), listed.sealed.stream().map(e -> e.getEpoch()).toList());
        assertEquals(3 * 18, listed.neurons.size());
        // weight change is measured against the previous *scanned* epoch
        assertNotNull(listed.neuronsOf(3, "hidden_1").get(0).getWeightChange());
    }

    @Test
    void shouldPublishBatchStatisticsWhenBatchesAreKept() {
        MemorySink sink = trace(SMALL.withDropBatches(false).withEpochs(2));
        int batchesPerEpoch = (int) Math.ceil(800 / 50.0);
        assertEquals(2 * batchesPerEpoch * 4, sink.batches.size());
        assertEquals(batchesPerEpoch * 4, sink.sealed.get(1).getBatchesSent());
        assertEquals(0, sink.sealed.get(0).getBatchesSent());
        assertEquals(8, sink.batches.stream().filter(b -> b.getLayer().equals("hidden_1")).findFirst().orElseThrow()
                .getNeuronMeans().size());
    }

    @Test
    void shouldRepeatASeededRunBitForBit() {
        MemorySink a = trace(SMALL.withEpochs(2));
        MemorySink b = trace(SMALL.withEpochs(2));
        assertEquals(a.neurons.stream().map(n -> n.toString()).sorted().toList(),
                b.neurons.stream().map(n -> n.toString()).sorted().toList());
    }

    @Test
    void shouldTrainMoonsToAUsefulAccuracy() {
        RunSpec spec = RunSpec.defaults().withEpochs(20);
        Datasets.Split split = Datasets.prepare(spec);
        TrainingResult r = new TrainingJob(DjlEngine.get(1)).run("t", spec, split, null, null, ProgressListener.NONE);
        assertTrue(r.finalValidationAccuracy() > 0.9, "accuracy " + r.finalValidationAccuracy());
    }
}
