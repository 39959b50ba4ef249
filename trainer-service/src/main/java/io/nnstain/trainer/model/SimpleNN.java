package io.nnstain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The traced model: a multilayer perceptron, input → hidden_1 … hidden_k (activation) → output (logits).
 * Parameters are plain engine arrays so that the probe sees every layer's output without hooks.
 */
public final class SimpleNN implements AutoCloseable {

    private final NDManager manager;
    private final int[] widths;
    private final String activation;
    private final NDArray[] weights; // [layer] (out, in)
    private final NDArray[] biases; // [layer] (out)

    private SimpleNN(NDManager manager, int[] widths, String activation, NDArray[] weights, NDArray[] biases) {
        this.manager = manager;
        this.widths = widths;
        this.activation = activation;
        this.weights = weights;
        this.biases = biases;
    }

    /**
     * A seeded network with PyTorch's default {@code nn.Linear} initialisation, U(-1/√in, 1/√in) for weights
     * and biases, drawn in Java so that it does not depend on the engine's random generator.
     *
     * @param widths every layer's width, input first, output last
     */
    public static SimpleNN initialise(NDManager parent, int[] widths, String activation, long seed) {
        NDManager manager = parent.newSubManager();
        Random random = new Random(seed);
        int layers = widths.length - 1;
        NDArray[] w = new NDArray[layers];
        NDArray[] b = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            double bound = 1.0 / Math.sqrt(in);
            w[l] = manager.create(uniform(random, out * in, bound), new Shape(out, in));
            b[l] = manager.create(uniform(random, out, bound), new Shape(out));
            w[l].setRequiresGradient(true);
            b[l].setRequiresGradient(true);
        }
        return new SimpleNN(manager, widths.clone(), activation, w, b);
    }

    private static float[] uniform(Random random, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return v;
    }

    /** Every layer's output for a batch: input, each hidden layer after its activation, then the logits. */
    public NDList forward(NDArray x) {
        NDList outputs = new NDList(weights.length + 1);
        outputs.add(x); // (batch, widths[0])
        NDArray h = x;
        for (int l = 0; l < weights.length; l++) {
            NDArray z = h.matMul(weights[l].transpose()).addi(biases[l]); // (batch, widths[l+1])
            h = l == weights.length - 1 ? z : activate(z);
            outputs.add(h);
        }
        return outputs;
    }

    private NDArray activate(NDArray z) {
        return switch (activation) {
            case "relu" -> Activation.relu(z);
            case "tanh" -> Activation.tanh(z);
            case "sigmoid" -> Activation.sigmoid(z);
            default -> throw new IllegalArgumentException("activation '" + activation + "' is not relu, tanh or sigmoid");
        };
    }

    public int layerCount() {
        return weights.length;
    }

    public NDArray weight(int layer) {
        return weights[layer];
    }

    public NDArray bias(int layer) {
        return biases[layer];
    }

    public int[] widths() {
        return widths.clone();
    }

    /** Copies all parameters to Java. */
    public List<LayerParams> parameters() {
        List<LayerParams> params = new ArrayList<>(weights.length);
        for (int l = 0; l < weights.length; l++) {
            params.add(new LayerParams(widths[l], widths[l + 1], weights[l].toFloatArray(), biases[l].toFloatArray()));
        }
        return params;
    }

    @Override
    public void close() {
        manager.close();
    }
}
