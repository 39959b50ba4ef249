package io.nnstain.trainer.training;

import io.nnstain.schemas.avro.LayerInfo;
import io.nnstain.schemas.avro.ProbeSet;
import io.nnstain.schemas.avro.RunConfig;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.avro.Topology;
import io.nnstain.schemas.config.RunSpec;
import io.nnstain.schemas.signature.NetworkSignature;
import io.nnstain.trainer.data.Dataset;
import io.nnstain.trainer.data.Datasets.Split;
import java.util.ArrayList;
import java.util.List;

/** Builds the RunStarted event: config, topology and the held-out probe set. */
public final class RunDescriptions {

    private RunDescriptions() {
    }

    public static int[] widths(RunSpec spec, Dataset data) {
        int[] widths = new int[spec.hidden().size() + 2];
        widths[0] = data.featureCount();
        for (int i = 0; i < spec.hidden().size(); i++) {
            widths[i + 1] = spec.hidden().get(i);
        }
        widths[widths.length - 1] = data.classCount();
        return widths;
    }

    /** The first {@code probe_set_size} validation samples in a seeded order mixing the classes. */
    public static Dataset probeSet(RunSpec spec, Dataset validation) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < validation.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new java.util.Random(spec.seed() ^ 0x9E3779B97F4A7C15L));
        // capped so that RunStarted fits in one record whatever the input width
        int n = Math.min(Math.min(spec.probeSetSize(), validation.size()),
                RunSpec.MAX_PROBE_VALUES / Math.max(1, validation.featureCount()));
        return validation.subset(order.subList(0, n).stream().mapToInt(Integer::intValue).toArray());
    }

    public static RunStarted runStarted(String runId, RunSpec spec, Split split, Dataset probe, int neuronPartitions) {
        int[] widths = widths(spec, split.train());
        List<LayerInfo> layers = new ArrayList<>();
        for (int l = 0; l < widths.length; l++) {
            boolean hidden = l > 0 && l < widths.length - 1;
            layers.add(new LayerInfo(l, NetworkSignature.layerName(l, widths.length - 2), widths[l],
                    hidden ? spec.activation() : "identity"));
        }
        Dataset train = split.train();
        Topology topology = new Topology(layers, train.classNames(), train.featureNames(), train.inputShape());
        RunConfig config = new RunConfig(spec.dataset(), spec.hidden(), spec.activation(), spec.optimizer(),
                spec.learningRate(), spec.batchSize(), spec.epochs(), spec.seed(), spec.epochIntervals(),
                spec.dropBatches(), spec.validationFraction(), spec.probeSetSize());
        List<List<Float>> features = new ArrayList<>();
        for (float[] row : probe.features()) {
            List<Float> r = new ArrayList<>(row.length);
            for (float v : row) {
                r.add(v);
            }
            features.add(r);
        }
        ProbeSet probeSet = new ProbeSet(features, java.util.Arrays.stream(probe.labels()).boxed().toList());
        return new RunStarted(runId, System.currentTimeMillis(), config, topology, spec.scannedEpochs(),
                train.size(), split.validation().size(), neuronPartitions, probeSet);
    }
}
