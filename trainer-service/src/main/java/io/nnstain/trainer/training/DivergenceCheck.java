package io.nnstain.trainer.training;

import io.nnstain.schemas.avro.Divergence;
import io.nnstain.schemas.signature.NetworkSignature;
import io.nnstain.trainer.model.LayerParams;
import java.util.List;

/**
 * Whether an epoch left the network with non-finite numbers (NaN or infinity in the loss, a weight or a bias):
 * training cannot recover from that, and a trace of NaNs would only mislead, so the run stops there.
 */
final class DivergenceCheck {

    private DivergenceCheck() {
    }

    /**
     * @param params the dense layers' parameters at epoch end, or null when they were not copied (an epoch
     *     that is not scanned: its loss is checked alone, and a NaN weight shows in the next batch's loss)
     * @param hiddenLayers how many hidden layers the network has, to name the layers
     * @return null when everything is finite
     */
    static Divergence check(int epoch, double trainLoss, double validationLoss, List<LayerParams> params,
            int hiddenLayers) {
        if (params != null) {
            for (int l = 0; l < params.size(); l++) {
                String layer = NetworkSignature.layerName(l + 1, hiddenLayers);
                String weights = nonFinite(params.get(l).weights());
                String bias = nonFinite(params.get(l).bias());
                if (weights != null || bias != null) {
                    String what = weights != null ? "weights of " + layer + " contain " + weights
                            : "biases of " + layer + " contain " + bias;
                    return new Divergence(epoch, layer, what);
                }
            }
        }
        if (!Double.isFinite(trainLoss)) {
            return new Divergence(epoch, null, "the training loss is " + trainLoss);
        }
        if (!Double.isFinite(validationLoss)) {
            return new Divergence(epoch, null, "the validation loss is " + validationLoss);
        }
        return null;
    }

    /** Null when all values are finite, otherwise the first non-finite value's name ("NaN", "Infinity"). */
    private static String nonFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return Float.toString(v);
            }
        }
        return null;
    }

    /** What to tell the person who started the run. */
    static String advice(Divergence d, double learningRate, String optimizer) {
        return "diverged at E_" + d.getEpoch() + ": " + d.getWhat() + "; the trace keeps the epochs up to E_"
                + d.getEpoch() + ". Try a smaller learning rate (--lr, now " + learningRate + ")"
                + ("sgd".equals(optimizer) ? " or --optimizer adam" : "") + ".";
    }
}
