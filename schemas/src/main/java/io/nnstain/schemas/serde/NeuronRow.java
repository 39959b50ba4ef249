package io.nnstain.schemas.serde;

import io.nnstain.schemas.avro.NeuronSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * A NeuronSnapshot with its float vectors as primitive arrays: what the probe builds, so that thousands of
 * weights per epoch are never boxed. {@link NeuronRowEncoder} writes it as the exact bytes of the equivalent
 * {@link NeuronSnapshot}.
 *
 * @param bias null for the input layer
 * @param weights incoming weights; empty for the input layer
 * @param gradWeightMean the incoming weights' mean gradient over the epoch; null at E_0 and for the input layer
 */
public record NeuronRow(String runId, int epoch, String layer, int layerIndex, int neuron, long samples,
        float actMean, float actStd, float actMin, float actMax, float zeroFraction, float[] classMeans, Float bias,
        float[] weights, Float gradWeightNorm, Float gradBias, Float weightChange, float[] gradWeightMean) {

    public NeuronSnapshot toSnapshot() {
        return NeuronSnapshot.newBuilder().setRunId(runId).setEpoch(epoch).setLayer(layer).setLayerIndex(layerIndex)
                .setNeuron(neuron).setSamples(samples).setActMean(actMean).setActStd(actStd).setActMin(actMin)
                .setActMax(actMax).setZeroFraction(zeroFraction).setClassMeans(boxed(classMeans)).setBias(bias)
                .setWeights(boxed(weights)).setGradWeightNorm(gradWeightNorm).setGradBias(gradBias)
                .setWeightChange(weightChange).setGradWeightMean(gradWeightMean == null ? null : boxed(gradWeightMean))
                .build();
    }

    private static List<Float> boxed(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }
}
