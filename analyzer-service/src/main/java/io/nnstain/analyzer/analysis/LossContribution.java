package io.nnstain.analyzer.analysis;

import io.nnstain.store.StoredEpoch;
import java.util.ArrayList;
import java.util.List;

/**
 * First-order estimate of how much each neuron's incoming weights changed the loss over an epoch: the epoch's
 * mean gradient dotted with the change of the weights (and bias) since the previous scanned epoch. Negative:
 * the neuron's update lowered the loss (helped); positive: it raised it (hurt). Exact in the limit of small
 * steps when every epoch is scanned; over several epochs between scans it uses the last epoch's mean gradient.
 */
final class LossContribution {

    private LossContribution() {
    }

    /** Per layer after the input, per neuron; null when the trace has no mean gradients or no previous epoch. */
    static List<List<Float>> of(StoredEpoch epoch, StoredEpoch previous) {
        if (previous == null || epoch.gradWeightMean() == null) {
            return null;
        }
        List<List<Float>> out = new ArrayList<>();
        for (int l = 1; l < epoch.weights().length; l++) {
            float[][] w = epoch.weights()[l];
            float[][] w0 = previous.weights()[l];
            float[][] g = epoch.gradWeightMean()[l];
            List<Float> layer = new ArrayList<>(w.length);
            for (int k = 0; k < w.length; k++) {
                double s = (double) epoch.gradBias()[l][k] * (epoch.bias()[l][k] - previous.bias()[l][k]);
                for (int j = 0; j < w[k].length; j++) {
                    s += (double) g[k][j] * (w[k][j] - w0[k][j]);
                }
                layer.add((float) s);
            }
            out.add(layer);
        }
        return out;
    }
}
