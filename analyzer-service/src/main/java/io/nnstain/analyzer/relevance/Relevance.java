package io.nnstain.analyzer.relevance;

import io.nnstain.store.TracedNetwork;

/**
 * Propagates a class's relevance backwards through the network of one epoch, layer by layer, splitting each
 * neuron's relevance among the neurons that feed it in proportion to their contributions on the class's mean
 * activations (see {@link RelevanceRule}).
 */
public final class Relevance {

    private Relevance() {
    }

    /**
     * @param classMeans per layer (input first), (neurons, classes): mean activation of each neuron over the
     *     samples of each class, as the trace holds them
     */
    public static ClassRelevance of(TracedNetwork net, float[][][] classMeans, int classIndex, RelevanceRule rule) {
        int layers = net.layerCount();
        int[] widths = net.widths();
        double[][] r = new double[layers][];
        double[][] den = new double[layers][];
        boolean[][] fellBack = new boolean[layers][];
        float[][] means = new float[layers][];
        for (int l = 0; l < layers; l++) {
            means[l] = new float[widths[l]];
            for (int j = 0; j < widths[l]; j++) {
                means[l][j] = classMeans[l][j][classIndex];
            }
        }
        r[layers - 1] = new double[widths[layers - 1]];
        r[layers - 1][classIndex] = 1.0;
        for (int l = layers - 1; l >= 1; l--) {
            float[][] w = net.weights(l);
            float[] a = means[l - 1];
            double[] below = new double[widths[l - 1]];
            den[l] = new double[widths[l]];
            fellBack[l] = new boolean[widths[l]];
            for (int k = 0; k < widths[l]; k++) {
                double rk = r[l][k];
                if (rk == 0) {
                    continue;
                }
                boolean fallback = false;
                double sum = sum(rule, false, a, w[k]);
                if (rule == RelevanceRule.Z_PLUS && sum <= 0) {
                    fallback = true;
                    sum = sum(rule, true, a, w[k]);
                }
                den[l][k] = sum;
                fellBack[l][k] = fallback;
                if (sum == 0) {
                    continue; // nothing feeds k at all: its relevance has nowhere to go
                }
                for (int j = 0; j < below.length; j++) {
                    below[j] += contribution(rule, fallback, a[j], w[k][j]) / sum * rk;
                }
            }
            r[l - 1] = below;
        }
        return new ClassRelevance(classIndex, rule, r, den, fellBack, means);
    }

    private static double sum(RelevanceRule rule, boolean fallback, float[] a, float[] w) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += contribution(rule, fallback, a[j], w[j]);
        }
        return s;
    }

    static double contribution(RelevanceRule rule, boolean fallback, float a, float w) {
        double z = (double) a * w;
        if (rule == RelevanceRule.Z) {
            return z;
        }
        return fallback ? Math.abs(z) : Math.max(z, 0);
    }

    /** Entropy of a layer's relevance (absolute values as weights), divided by log(width): 0 = one neuron, 1 = even. */
    public static double normalisedEntropy(double[] relevance) {
        if (relevance.length < 2) {
            return 0;
        }
        double total = 0;
        for (double v : relevance) {
            total += Math.abs(v);
        }
        if (total == 0) {
            return 0;
        }
        double h = 0;
        for (double v : relevance) {
            double p = Math.abs(v) / total;
            if (p > 0) {
                h -= p * Math.log(p);
            }
        }
        return h / Math.log(relevance.length);
    }
}
