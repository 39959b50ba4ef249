package io.nnstain.trainer.probe;

import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.trainer.model.LayerParams;
import java.util.ArrayList;
import java.util.List;

/** Builds one neuron's snapshot from an epoch's statistics and the layer's parameters. */
final class NeuronSnapshots {

    private NeuronSnapshots() {
    }

    /**
     * @param k the neuron's global index in the side-by-side layout
     * @param params its layer's parameters at epoch end; null for the input layer
     * @param previous its layer's parameters at the previous scanned epoch; null at E_0
     */
    static NeuronSnapshot of(String runId, String layer, int layerIndex, int neuron, int k, EpochAccumulator acc,
            LayerParams params, LayerParams previous) {
        long n = acc.samples;
        double mean = acc.sum(k) / n;
        double variance = Math.max(0, acc.sumSq[k] / n - mean * mean);
        List<Float> classMeans = new ArrayList<>(acc.classes);
        for (int c = 0; c < acc.classes; c++) {
            long nc = acc.classSamples[c];
            classMeans.add(nc == 0 ? Float.NaN : (float) (acc.classSum[c * acc.total + k] / nc));
        }
        NeuronSnapshot.Builder b = NeuronSnapshot.newBuilder().setRunId(runId).setEpoch(acc.epoch).setLayer(layer)
                .setLayerIndex(layerIndex).setNeuron(neuron).setSamples(n).setActMean((float) mean)
                .setActStd((float) Math.sqrt(variance)).setActMin(acc.min[k]).setActMax(acc.max[k])
                .setZeroFraction((float) acc.zeros[k] / n).setClassMeans(classMeans);
        if (params == null) {
            return b.setWeights(List.of()).build();
        }
        List<Float> weights = new ArrayList<>(params.in());
        for (int i = 0; i < params.in(); i++) {
            weights.add(params.weight(neuron, i));
        }
        b.setWeights(weights).setBias(params.bias()[neuron]);
        int j = k - acc.inputWidth;
        if (acc.gradBatches > 0) {
            b.setGradWeightNorm((float) (acc.gradNormSum[j] / acc.gradBatches))
                    .setGradBias((float) (acc.gradBiasSum[j] / acc.gradBatches));
        }
        if (previous != null) {
            double change = 0;
            for (int i = 0; i < params.in(); i++) {
                double d = params.weight(neuron, i) - previous.weight(neuron, i);
                change += d * d;
            }
            double db = params.bias()[neuron] - previous.bias()[neuron];
            b.setWeightChange((float) Math.sqrt(change + db * db));
        }
        return b.build();
    }
}
