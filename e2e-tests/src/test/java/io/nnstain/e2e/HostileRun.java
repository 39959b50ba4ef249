package io.nnstain.e2e;

import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.LayerInfo;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.ProbeSet;
import io.nnstain.schemas.avro.RunConfig;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.avro.RunStatus;
import io.nnstain.schemas.avro.Topology;
import io.nnstain.store.TraceStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small stored run (2 inputs, 4 hidden, 2 classes; E_0 and E_1) whose class and data set names are chosen by
 * the test: written with the collector's own store, as if it had been trained and collected.
 */
final class HostileRun {

    private HostileRun() {
    }

    static String write(Path dataDir, List<String> classNames) {
        String run = "hostile-" + System.nanoTime();
        int[] widths = {2, 4, 2};
        List<String> layers = List.of("input", "hidden_1", "output");
        List<LayerInfo> info = new ArrayList<>();
        for (int l = 0; l < 3; l++) {
            info.add(new LayerInfo(l, layers.get(l), widths[l], l == 1 ? "relu" : "identity"));
        }
        Random rnd = new Random(3);
        List<List<Float>> features = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int c = i % 2;
            features.add(List.of((float) (c * 2 - 1 + 0.3 * rnd.nextGaussian()), (float) (0.3 * rnd.nextGaussian())));
            labels.add(c);
        }
        TraceStore store = new TraceStore(dataDir);
        store.writeRunStarted(RunStarted.newBuilder().setRunId(run).setStartedAtMs(1)
                .setConfig(new RunConfig("<i>made up</i>", List.of(4), "relu", "adam", 0.01, 8, 1, 1L, "", true, 0.2, 40))
                .setTopology(new Topology(info, classNames, List.of("x0", "x1"), List.of(2)))
                .setScannedEpochs(List.of(0, 1)).setTrainSamples(40).setValidationSamples(40).setNeuronPartitions(8)
                .setProbeSet(new ProbeSet(features, labels)).build());
        // hidden neuron j reads x0 with sign ±; output c reads the hidden neurons of its sign
        float[][] w1 = {{1f, 0.1f}, {-1f, 0.1f}, {0.8f, -0.2f}, {-0.8f, 0.2f}};
        float[][] w2 = {{-0.2f, 1f, -0.2f, 1f}, {1f, -0.2f, 1f, -0.2f}};
        for (int e = 0; e <= 1; e++) {
            List<NeuronSnapshot> neurons = new ArrayList<>();
            for (int l = 0; l < 3; l++) {
                for (int j = 0; j < widths[l]; j++) {
                    List<Float> weights = new ArrayList<>();
                    if (l > 0) {
                        for (float v : (l == 1 ? w1 : w2)[j]) {
                            weights.add(v * (e == 0 ? 0.5f : 1f));
                        }
                    }
                    float m0 = l == 0 ? (j == 0 ? -1f : 0f) : 0.2f + 0.5f * ((j + 1) % 2);
                    float m1 = l == 0 ? (j == 0 ? 1f : 0f) : 0.2f + 0.5f * (j % 2);
                    neurons.add(NeuronSnapshot.newBuilder().setRunId(run).setEpoch(e).setLayer(layers.get(l))
                            .setLayerIndex(l).setNeuron(j).setSamples(40).setActMean((m0 + m1) / 2).setActStd(0.5f)
                            .setActMin(0).setActMax(2).setZeroFraction(0.1f).setClassMeans(List.of(m0, m1))
                            .setBias(l == 0 ? null : 0f).setWeights(weights).build());
                }
            }
            store.writeEpoch(EpochSealed.newBuilder().setRunId(run).setEpoch(e).setSnapshotsPerLayer(List.of(2, 4, 2))
                    .setBatchesSent(0).setTrainLoss(e == 0 ? null : 0.4).setTrainAccuracy(0.9)
                    .setTrainClassAccuracy(List.of(0.9, 0.9)).setValidationLoss(0.5).setValidationAccuracy(0.9)
                    .setValidationClassAccuracy(List.of(0.9, 0.9)).setEpochTimeMs(1).setProbeTimeMs(0).build(),
                    neurons, List.of());
        }
        store.writeRunFinished(RunFinished.newBuilder().setRunId(run).setFinishedAtMs(2).setStatus(RunStatus.COMPLETED)
                .setEpochsTrained(1).setScannedEpochs(List.of(0, 1)).setProbePredictions(labels).build());
        return run;
    }
}
