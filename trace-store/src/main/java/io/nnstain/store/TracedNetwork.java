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
    private final int[] kinds; // per layer, the activation as a code (RELU…): a string switch per neuron cost more than the sums
    private static final int RELU = 0;
    private static final int TANH = 1;
    private static final int SIGMOID = 2;
    private static final int IDENTITY = 3;

    public TracedNetwork(int[] widths, List<String> activations, float[][][] weights, float[][] bias) {
        this.widths = widths.clone();
        this.activations = List.copyOf(activations);
        this.weights = weights;
        this.bias = bias;
        this.transposed = new float[widths.length][][];
        this.kinds = new int[widths.length];
        for (int l = 0; l < widths.length; l++) {
            kinds[l] = l == 0 ? IDENTITY : kind(this.activations.get(l)); // the input layer is never activated
        }
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
        return onward(1, input(x), silenced);
    }

    /** Layers {@code from} to the output, from the activations {@code a} of the layer before {@code from}. */
    private double[] onward(int from, double[] a, boolean[][] silenced) {
        for (int l = from; l < widths.length; l++) {
            double[] z = dense(l, a);
            activate(l, z, silenced);
            a = z;
        }
        return a;
    }

    /**
     * One sample's pass without silencing, kept so that passes with neurons silenced can start from it
     * ({@link #forward(Pass, boolean[][])}).
     *
     * @param z per layer, the pre-activations (null for the input)
     * @param a per layer, the activations (the input itself for layer 0)
     */
    public record Pass(double[][] z, double[][] a) {
    }

    public Pass pass(float[] x) {
        double[][] z = new double[widths.length][];
        double[][] a = new double[widths.length][];
        a[0] = input(x);
        for (int l = 1; l < widths.length; l++) {
            z[l] = dense(l, a[l - 1]);
            a[l] = z[l].clone();
            activate(l, a[l], null);
        }
        return new Pass(z, a);
    }

    /**
     * The output layer's values for a sample already passed, with hidden neurons silenced: as
     * {@link #forward(float[], boolean[][])}, but layers before the first silenced one are taken from the pass,
     * and the next layer's pre-activations are the pass's less what the silenced neurons contributed (a few
     * columns instead of the whole matrix; equal up to the rounding of that subtraction).
     */
    public double[] forward(Pass pass, boolean[][] silenced) {
        int last = widths.length - 1;
        int first = -1;
        for (int l = 1; l < last && first < 0 && silenced != null; l++) {
            if (silenced[l] != null) {
                for (boolean off : silenced[l]) {
                    if (off) {
                        first = l;
                        break;
                    }
                }
            }
        }
        if (first < 0) {
            return pass.a()[last].clone();
        }
        double[] a = pass.a()[first].clone();
        double[] z = pass.z()[first + 1].clone();
        float[][] wt = transposed[first + 1];
        boolean[] off = silenced[first];
        for (int j = 0; j < a.length; j++) {
            if (off[j]) {
                double aj = a[j];
                a[j] = 0;
                if (aj != 0) {
                    float[] col = wt[j];
                    for (int k = 0; k < z.length; k++) {
                        z[k] -= aj * col[k];
                    }
                }
            }
        }
        activate(first + 1, z, silenced);
        return onward(first + 2, z, silenced);
    }

    private double[] input(float[] x) {
        if (x.length != widths[0]) {
            throw new IllegalArgumentException("a sample has " + x.length + " features; the network takes " + widths[0]);
        }
        double[] a = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = x[i];
        }
        return a;
    }

    /** Pre-activations of layer {@code l} from the activations {@code a} of the layer before. */
    private double[] dense(int l, double[] a) {
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
        return z;
    }

    /** Activates layer {@code l}'s pre-activations in place; silenced hidden neurons become 0. */
    private void activate(int l, double[] z, boolean[][] silenced) {
        int kind = kinds[l];
        boolean[] off = l < widths.length - 1 && silenced != null ? silenced[l] : null;
        for (int k = 0; k < z.length; k++) {
            z[k] = off != null && off[k] ? 0 : activate(kind, z[k]);
        }
    }

    public int predict(float[] x, boolean[][] silenced) {
        return argmax(forward(x, silenced));
    }

    /** The class predicted for a sample already passed, with hidden neurons silenced. */
    public int predict(Pass pass, boolean[][] silenced) {
        return argmax(forward(pass, silenced));
    }

    private static int argmax(double[] out) {
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

    private static int kind(String activation) {
        return switch (activation) {
            case "relu" -> RELU;
            case "tanh" -> TANH;
            case "sigmoid" -> SIGMOID;
            case "identity" -> IDENTITY;
            default -> throw new IllegalArgumentException("activation '" + activation
                    + "' is not known; known: relu, tanh, sigmoid, identity");
        };
    }

    private static double activate(int kind, double z) {
        return switch (kind) {
            case RELU -> z > 0 ? z : 0;
            case TANH -> Math.tanh(z);
            case SIGMOID -> 1 / (1 + Math.exp(-z));
            default -> z;
        };
    }
}
