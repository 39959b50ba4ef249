package io.nnstain.trainer.probe;

import io.nnstain.schemas.serde.NeuronRow;
import io.nnstain.trainer.model.LayerParams;
import java.util.Arrays;

/** Builds one neuron's snapshot from an epoch's statistics and the layer's parameters. */
final class NeuronSnapshots {

    private NeuronSnapshots() {
    }

    /**
     * @param k the neuron's global index in the side-by-side layout
     * @param params its layer's parameters at epoch end; null for the input layer
     * @param previous its layer's parameters at the previous scanned epoch; null at E_0
     */
    static NeuronRow of(String runId, String layer, int layerIndex, int neuron, int k, EpochAccumulator acc,
            LayerParams params, LayerParams previous) {
        long n = acc.samples;
        double mean = acc.sum(k) / n;
        double variance = Math.max(0, acc.sumSq[k] / n - mean * mean);
        float[] classMeans = new float[acc.classes];
        for (int c = 0; c < acc.classes; c++) {
            long nc = acc.classSamples[c];
            classMeans[c] = nc == 0 ? Float.NaN : (float) (acc.classSum[c * acc.total + k] / nc);
        }
        float[] weights = new float[0];
        Float bias = null;
        Float gradWeightNorm = null;
        Float gradBias = null;
        Float weightChange = null;
        float[] gradWeightMean = null;
        if (params != null) {
            int from = neuron * params.in();
            weights = Arrays.copyOfRange(params.weights(), from, from + params.in());
            bias = params.bias()[neuron];
            int j = k - acc.inputWidth;
            if (acc.gradBatches > 0) {
                gradWeightNorm = (float) (acc.gradNormSum[j] / acc.gradBatches);
                gradBias = (float) (acc.gradBiasSum[j] / acc.gradBatches);
                gradWeightMean = acc.gradMean(layerIndex, neuron);
            }
            if (previous != null) {
                double change = 0;
                for (int i = 0; i < params.in(); i++) {
                    double d = weights[i] - previous.weights()[from + i];
                    change += d * d;
                }
                double db = params.bias()[neuron] - previous.bias()[neuron];
                weightChange = (float) Math.sqrt(change + db * db);
            }
        }
        return new NeuronRow(runId, acc.epoch, layer, layerIndex, neuron, n, (float) mean, (float) Math.sqrt(variance),
                acc.min[k], acc.max[k], (float) acc.zeros[k] / n, classMeans, bias, weights, gradWeightNorm, gradBias,
                weightChange, gradWeightMean);
    }
}
