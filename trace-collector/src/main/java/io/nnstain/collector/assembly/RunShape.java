package io.nnstain.collector.assembly;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.LayerInfo;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.store.StoredRun;
import java.util.List;
import java.util.Set;

/**
 * What a run's RunStarted promised — layers, widths, classes, scanned epochs — against which its trace records
 * are checked before they are stored: a record that does not fit its run would break every reader of the trace.
 */
record RunShape(List<String> layers, int[] widths, int classes, Set<Integer> scannedEpochs) {

    static RunShape of(RunStarted started) {
        List<LayerInfo> layers = started.getTopology().getLayers();
        return new RunShape(layers.stream().map(LayerInfo::getName).toList(),
                layers.stream().mapToInt(LayerInfo::getWidth).toArray(), started.getTopology().getClassNames().size(),
                Set.copyOf(started.getScannedEpochs()));
    }

    static RunShape of(StoredRun run) {
        return new RunShape(run.layerNames(), run.widths(), run.classCount(), Set.copyOf(run.scannedEpochs()));
    }

    /** Null when the snapshot fits, otherwise what is wrong with it. */
    String problem(NeuronSnapshot s) {
        String where = "NeuronSnapshot E_" + s.getEpoch() + "/L_" + s.getLayer() + "/n_" + s.getNeuron() + " of run "
                + s.getRunId();
        String epoch = epochProblem(s.getEpoch());
        if (epoch != null) {
            return where + ": " + epoch;
        }
        int l = s.getLayerIndex();
        if (l < 0 || l >= widths.length || !layers.get(l).equals(s.getLayer())) {
            return where + ": layer " + l + " '" + s.getLayer() + "' is not a layer of the run; layers: " + layers;
        }
        if (s.getNeuron() < 0 || s.getNeuron() >= widths[l]) {
            return where + ": neuron " + s.getNeuron() + " is outside the layer's 0.." + (widths[l] - 1);
        }
        int inputs = l == 0 ? 0 : widths[l - 1];
        if (s.getWeights().size() != inputs) {
            return where + ": " + s.getWeights().size() + " incoming weights where the run has " + inputs;
        }
        if (s.getClassMeans().size() != classes) {
            return where + ": " + s.getClassMeans().size() + " class means where the run has " + classes + " classes";
        }
        return null;
    }

    String problem(BatchSnapshot b) {
        String where = "BatchSnapshot E_" + b.getEpoch() + " batch " + b.getBatch() + " of run " + b.getRunId();
        String epoch = epochProblem(b.getEpoch());
        if (epoch != null) {
            return where + ": " + epoch;
        }
        int l = b.getLayerIndex();
        if (l < 0 || l >= widths.length) {
            return where + ": layer index " + l + " is not a layer of the run; layers: " + layers;
        }
        if (b.getBatch() < 0 || b.getNeuronMeans().size() != widths[l]) {
            return where + ": batch " + b.getBatch() + " with " + b.getNeuronMeans().size() + " neuron means where layer "
                    + layers.get(l) + " has " + widths[l] + " neurons";
        }
        return null;
    }

    String problem(EpochSealed s) {
        String where = "EpochSealed E_" + s.getEpoch() + " of run " + s.getRunId();
        String epoch = epochProblem(s.getEpoch());
        if (epoch != null) {
            return where + ": " + epoch;
        }
        List<Integer> counts = s.getSnapshotsPerLayer();
        if (counts.size() != widths.length) {
            return where + ": snapshots per layer " + counts + " do not match the run's layer widths "
                    + java.util.Arrays.toString(widths);
        }
        for (int l = 0; l < widths.length; l++) {
            if (counts.get(l) != widths[l]) {
                return where + ": snapshots per layer " + counts + " do not match the run's layer widths "
                        + java.util.Arrays.toString(widths);
            }
        }
        if (s.getBatchesSent() < 0) {
            return where + ": batches_sent " + s.getBatchesSent() + " is negative";
        }
        return null;
    }

    private String epochProblem(int epoch) {
        return scannedEpochs.contains(epoch) ? null : "epoch " + epoch + " is not among the run's scanned epochs";
    }
}
