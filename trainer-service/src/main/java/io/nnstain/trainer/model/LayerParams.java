package io.nnstain.trainer.model;

/**
 * One dense layer's parameters copied to Java.
 *
 * @param weights row-major {@code [out][in]}: row {@code j} holds the incoming weights of neuron {@code j}
 * @param bias {@code [out]}
 */
public record LayerParams(int in, int out, float[] weights, float[] bias) {

    public float weight(int neuron, int input) {
        return weights[neuron * in + input];
    }
}
