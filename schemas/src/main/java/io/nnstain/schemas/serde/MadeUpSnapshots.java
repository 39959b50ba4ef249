package io.nnstain.schemas.serde;

import io.nnstain.schemas.avro.NeuronSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** NeuronSnapshots of a made-up run, shaped like real ones, for the services' warm-ups before they are ready. */
public final class MadeUpSnapshots {

    private MadeUpSnapshots() {
    }

    /**
     * @param inputs incoming weights; 0 for a neuron of the input layer, which has no weights, bias or gradients
     */
    public static NeuronSnapshot neuron(int epoch, String layer, int layerIndex, int neuron, int inputs, int classes,
            SplittableRandom rnd) {
        List<Float> means = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            means.add((float) rnd.nextDouble());
        }
        List<Float> weights = new ArrayList<>(inputs);
        List<Float> grads = new ArrayList<>(inputs);
        for (int i = 0; i < inputs; i++) {
            weights.add((float) rnd.nextGaussian());
            grads.add((float) rnd.nextGaussian() * 1e-3f);
        }
        boolean input = inputs == 0;
        return NeuronSnapshot.newBuilder().setRunId("warm-up").setEpoch(epoch).setLayer(layer).setLayerIndex(layerIndex)
                .setNeuron(neuron).setSamples(100).setActMean(0.5f).setActStd(0.5f).setActMin(0f).setActMax(1f)
                .setZeroFraction(0.1f).setClassMeans(means).setBias(input ? null : 0.1f).setWeights(weights)
                .setGradWeightNorm(input ? null : 0.1f).setGradBias(input ? null : 0.1f)
                .setWeightChange(input ? null : 0.1f).setGradWeightMean(input ? null : grads).build();
    }
}
