package io.nnstain.trainer.probe;

/**
 * Running statistics of every neuron of every layer over one scanned epoch. Fed on the reducer thread only,
 * from one Java copy per batch of all layers' outputs side by side.
 *
 * <p>A batch row holds, for one sample, input (width w0), hidden_1 … hidden_k, output: {@code total} values;
 * neuron {@code k} of that row is global index {@code offset[layer] + neuron}.
 */
final class EpochAccumulator {

    final int epoch;
    final int total;
    final int classes;
    final int inputWidth;
    long samples;
    final long[] classSamples;
    final double[] sumSq;
    final float[] min;
    final float[] max;
    final long[] zeros;
    final double[] classSum; // [class * total + k]
    // per non-input neuron j (global index - inputWidth): mean over batches of ‖∂L/∂w_j‖ and of ∂L/∂b_j
    final double[] gradNormSum;
    final double[] gradBiasSum;
    // per dense layer (index = layer - 1), row-major (out, in): the sum over batches of ∂L/∂W
    double[][] gradSum;
    int[] gradWidths;
    int gradBatches;
    long correct;
    final long[] classCorrect;
    double lossSum;
    long lossSamples;
    int batches;

    EpochAccumulator(int epoch, int total, int inputWidth, int classes) {
        this.epoch = epoch;
        this.total = total;
        this.inputWidth = inputWidth;
        this.classes = classes;
        classSamples = new long[classes];
        sumSq = new double[total];
        min = new float[total];
        max = new float[total];
        java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        zeros = new long[total];
        classSum = new double[classes * total];
        gradNormSum = new double[total - inputWidth];
        gradBiasSum = new double[total - inputWidth];
        classCorrect = new long[classes];
    }

    /** @param rows {@code [batch][total]} flattened row-major */
    void addBatch(float[] rows, int[] labels, float meanLoss) {
        int outputOffset = total - classes;
        // simple loops over one row each, so that the JIT can vectorise them; the overall sum is derived
        // from the class sums at the end
        for (int i = 0; i < labels.length; i++) {
            int base = i * total;
            int label = labels[i];
            int classBase = label * total;
            for (int k = 0; k < total; k++) {
                float a = rows[base + k];
                classSum[classBase + k] += a;
                sumSq[k] += (double) a * a;
                min[k] = Math.min(min[k], a);
                max[k] = Math.max(max[k], a);
                zeros[k] += a == 0f ? 1 : 0;
            }
            classSamples[label]++;
            int predicted = argmax(rows, base + outputOffset, classes);
            if (predicted == label) {
                correct++;
                classCorrect[label]++;
            }
        }
        samples += labels.length;
        batches++;
        lossSum += (double) meanLoss * labels.length;
        lossSamples += labels.length;
    }

    /** Sum of neuron {@code k}'s activations over all samples. */
    double sum(int k) {
        double s = 0;
        for (int c = 0; c < classes; c++) {
            s += classSum[c * total + k];
        }
        return s;
    }

    /** @param gw per dense layer its weight gradient, row-major (out, in); @param gb its bias gradient (out) */
    void addGradients(float[][] gw, float[][] gb, int[] widths) {
        if (gradSum == null) {
            gradWidths = widths.clone();
            gradSum = new double[gw.length][];
            for (int l = 0; l < gw.length; l++) {
                gradSum[l] = new double[gw[l].length];
            }
        }
        int dst = 0;
        for (int l = 1; l < widths.length; l++) {
            int in = widths[l - 1];
            int out = widths[l];
            float[] g = gw[l - 1];
            double[] sum = gradSum[l - 1];
            for (int j = 0; j < out; j++) {
                double sq = 0;
                for (int i = j * in, end = i + in; i < end; i++) {
                    sq += (double) g[i] * g[i];
                    sum[i] += g[i];
                }
                gradNormSum[dst + j] += Math.sqrt(sq);
                gradBiasSum[dst + j] += gb[l - 1][j];
            }
            dst += out;
        }
        gradBatches++;
    }

    /** The mean gradient of neuron {@code neuron}'s incoming weights in layer {@code layer} (≥ 1); null before any batch. */
    float[] gradMean(int layer, int neuron) {
        if (gradBatches == 0) {
            return null;
        }
        int in = gradWidths[layer - 1];
        double[] sum = gradSum[layer - 1];
        float[] mean = new float[in];
        for (int i = 0; i < in; i++) {
            mean[i] = (float) (sum[neuron * in + i] / gradBatches);
        }
        return mean;
    }

    static int argmax(float[] values, int from, int count) {
        int best = 0;
        for (int c = 1; c < count; c++) {
            if (values[from + c] > values[from + best]) {
                best = c;
            }
        }
        return best;
    }
}
