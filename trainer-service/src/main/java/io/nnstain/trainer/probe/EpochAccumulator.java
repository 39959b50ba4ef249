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
    final double[] sum;
    final double[] sumSq;
    final float[] min;
    final float[] max;
    final long[] zeros;
    final double[] classSum; // [class * total + k]
    // per non-input neuron j (global index - inputWidth): mean over batches of ‖∂L/∂w_j‖ and of ∂L/∂b_j
    final double[] gradNormSum;
    final double[] gradBiasSum;
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
        sum = new double[total];
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
        for (int i = 0; i < labels.length; i++) {
            int base = i * total;
            int label = labels[i];
            int classBase = label * total;
            for (int k = 0; k < total; k++) {
                float a = rows[base + k];
                sum[k] += a;
                sumSq[k] += (double) a * a;
                if (a < min[k]) {
                    min[k] = a;
                }
                if (a > max[k]) {
                    max[k] = a;
                }
                if (a == 0f) {
                    zeros[k]++;
                }
                classSum[classBase + k] += a;
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

    /** @param gradStats per dense layer: its neurons' squared gradient row norms, then their bias gradients */
    void addGradients(float[] gradStats, int[] widths) {
        int src = 0;
        int dst = 0;
        for (int l = 1; l < widths.length; l++) {
            int out = widths[l];
            for (int j = 0; j < out; j++) {
                gradNormSum[dst + j] += Math.sqrt(gradStats[src + j]);
                gradBiasSum[dst + j] += gradStats[src + out + j];
            }
            src += 2 * out;
            dst += out;
        }
        gradBatches++;
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
