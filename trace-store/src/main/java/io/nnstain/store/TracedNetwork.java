package io.nnstain.store;

import java.util.List;

/**
 * The network of one scanned epoch, rebuilt from the trace alone: the weights and biases of every dense layer
 * and the activations RunStarted names. It runs samples with chosen hidden neurons silenced (ablation).
 */
public final class TracedNetwork {

    private final int[] widths;
    private final List<String> activations;
    private final float[][][] weights; // [layer][out][in], layer 0 unused
    private final float[][] bias;      // [layer][out]
    private final float[][][] transposed; // [layer][in][out], for the forward pass's contiguous inner loop

    public TracedNetwork(int[] widths, List<String> activations, float[][][] weights, float[][] bias) {
        this.widths = widths.clone();
        this.activations = List.copyOf(activations);
        this.weights = weights;
        this.bias = bias;
        this.transposed = new float[widths.length][][];
        for (int l = 1; l < widths.length; l++) {
            if (weights[l].length != widths[l] || weights[l][0].length != widths[l - 1]) {
                throw new IllegalArgumentException("layer " + l + " has weights of shape (" + weights[l].length + ", "
                        + weights[l][0].length + "); its widths are (" + widths[l] + ", " + widths[l - 1] + ")");
            }
            transposed[l] = new float[widths[l - 1]][widths[l]];
            for (int k = 0; k < widths[l]; k++) {
                for (int j = 0; j < widths[l - 1]; j++) {
                    transposed[l][j][k] = weights[l][k][j];
                }
            }
        }
    }

    public static TracedNetwork of(StoredRun run, StoredEpoch epoch) {
        return new TracedNetwork(run.widths(), run.activations(), epoch.weights(), epoch.bias());
    }

    public int[] widths() {
        return widths.clone();
    }

    public int layerCount() {
        return widths.length;
    }

    /** The weight from neuron {@code in} of layer {@code layer - 1} to neuron {@code out} of {@code layer}. */
    public float weight(int layer, int out, int in) {
        return weights[layer][out][in];
    }

    public float[][] weights(int layer) {
        return weights[layer];
    }

    public float[] bias(int layer) {
        return bias[layer];
    }

    /**
     * The output layer's values for one sample (accumulated in double).
     *
     * @param silenced per layer, neurons whose activation is set to 0 (null entries: none); only hidden layers
     *     are looked at
     */
    public double[] forward(float[] x, boolean[][] silenced) {
        if (x.length != widths[0]) {
            throw new IllegalArgumentException("a sample has " + x.length + " features; the network takes " + widths[0]);
        }
        double[] a = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = x[i];
        }
        for (int l = 1; l < widths.length; l++) {
            double[] z = new double[widths[l]];
            for (int k = 0; k < z.length; k++) {
                z[k] = bias[l][k];
            }
            // z += a_j * W[:, j], column by column: a loop without a carried sum, which the JIT vectorises;
            // inputs that are exactly 0 (ReLU) are skipped
            float[][] wt = transposed[l];
            for (int j = 0; j < a.length; j++) {
                double aj = a[j];
                if (aj == 0) {
                    continue;
                }
                float[] col = wt[j];
                for (int k = 0; k < z.length; k++) {
                    z[k] += aj * col[k];
                }
            }
            String activation = activations.get(l);
            boolean[] off = l < widths.length - 1 && silenced != null ? silenced[l] : null;
            for (int k = 0; k < z.length; k++) {
                z[k] = off != null && off[k] ? 0 : activate(activation, z[k]);
            }
            a = z;
        }
        return a;
    }

    public int predict(float[] x, boolean[][] silenced) {
        double[] out = forward(x, silenced);
        int best = 0;
        for (int c = 1; c < out.length; c++) {
            if (out[c] > out[best]) {
                best = c;
            }
        }
        return best;
    }

    public int[] predict(float[][] samples, boolean[][] silenced) {
        int[] out = new int[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = predict(samples[i], silenced);
        }
        return out;
    }

    public static double activate(String activation, double z) {
        return switch (activation) {
            case "relu" -> z > 0 ? z : 0;
            case "tanh" -> Math.tanh(z);
            case "sigmoid" -> 1 / (1 + Math.exp(-z));
            case "identity" -> z;
            default -> throw new IllegalArgumentException("activation '" + activation
                    + "' is not known; known: relu, tanh, sigmoid, identity");
        };
    }
}
