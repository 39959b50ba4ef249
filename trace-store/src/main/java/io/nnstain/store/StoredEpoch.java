package io.nnstain.store;

/**
 * One scanned epoch of a run as the trace holds it, as arrays for computation. Layer {@code l} counts from the
 * input (0); arrays of dense layers are indexed by the layer they feed, so {@code weights[l]} is (width l,
 * width l-1) and {@code weights[0]} is null.
 *
 * @param classMeans per layer, (neurons, classes): mean activation of the neuron over the samples of a class
 * @param weights per layer after the input, (out, in): the incoming weights at epoch end
 * @param bias per layer after the input, (out)
 * @param gradWeightMean per layer after the input, (out, in): the epoch's mean gradient of the loss with
 *     respect to the weights; null when the trace has none (E_0, or traces written before it was recorded)
 * @param gradBias per layer after the input, (out): the epoch's mean gradient of the bias, or null
 */
public record StoredEpoch(int epoch, float[][][] classMeans, float[][][] weights, float[][] bias,
        float[][][] gradWeightMean, float[][] gradBias) {

    /**
     * The epoch's weights and biases alone, without its class means and gradients: what the next epoch's loss
     * contributions need of it, at about half the memory.
     */
    public StoredEpoch parametersOnly() {
        return new StoredEpoch(epoch, new float[0][][], weights, bias, null, null);
    }

    /**
     * Null when every weight, bias and class mean is finite; otherwise the first layer, input to output, that
     * holds a NaN or an infinity, and where (a diverged run's last epoch: nothing in it can be analysed).
     */
    public String nonFinite(java.util.List<String> layerNames) {
        for (int l = 0; l < classMeans.length; l++) {
            String layer = layerNames.get(l);
            if (l > 0 && weights[l] != null) {
                for (float[] row : weights[l]) {
                    if (!finite(row)) {
                        return "weights of " + layer + " are not finite";
                    }
                }
                if (!finite(bias[l])) {
                    return "biases of " + layer + " are not finite";
                }
            }
            for (float[] means : classMeans[l]) {
                if (!finite(means)) {
                    return "activations of " + layer + " are not finite";
                }
            }
        }
        return null;
    }

    private static boolean finite(float[] values) {
        if (values == null) {
            return true;
        }
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
