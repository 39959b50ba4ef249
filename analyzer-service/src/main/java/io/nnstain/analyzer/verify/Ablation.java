package io.nnstain.analyzer.verify;

import io.nnstain.store.TracedNetwork;
import io.nnstain.analyzer.relevance.Pathway;
import java.util.SplittableRandom;

/**
 * The causal check: silence a structure's hidden neurons in the network rebuilt from the trace and measure
 * accuracy per class on the run's held-out probe set; compare with random sets of the same size per layer.
 */
public final class Ablation {

    /**
     * @param classAccuracy before, per class (NaN where the probe set has no sample of the class)
     * @param ablatedAccuracy after silencing, per class
     */
    public record Effect(double[] classAccuracy, double[] ablatedAccuracy) {

        public double drop(int c) {
            return classAccuracy[c] - ablatedAccuracy[c];
        }

        /** Mean drop over the classes other than {@code c} that the probe set holds. */
        public double otherDrop(int c) {
            double s = 0;
            int n = 0;
            for (int k = 0; k < classAccuracy.length; k++) {
                if (k != c && !Double.isNaN(classAccuracy[k])) {
                    s += drop(k);
                    n++;
                }
            }
            return n == 0 ? Double.NaN : s / n;
        }
    }

    private final TracedNetwork net;
    private final int[] labels;
    private final int classes;
    private final double[] baseline;
    /** each probe sample's pass without silencing: silenced passes start from it (measured ~2x faster) */
    private final TracedNetwork.Pass[] passes;

    public Ablation(TracedNetwork net, float[][] samples, int[] labels) {
        this.net = net;
        this.labels = labels;
        this.classes = net.widths()[net.layerCount() - 1];
        this.passes = new TracedNetwork.Pass[samples.length];
        for (int i = 0; i < samples.length; i++) {
            passes[i] = net.pass(samples[i]);
        }
        this.baseline = accuracy(predict(null));
    }

    /** The class predicted for every probe sample with {@code mask}'s hidden neurons silenced. */
    private int[] predict(boolean[][] mask) {
        int[] out = new int[passes.length];
        for (int i = 0; i < passes.length; i++) {
            out[i] = net.predict(passes[i], mask);
        }
        return out;
    }

    public double[] baseline() {
        return baseline.clone();
    }

    public Effect silence(boolean[][] mask) {
        return new Effect(baseline.clone(), accuracy(predict(mask)));
    }

    public Effect silence(Pathway pathway) {
        return silence(pathway.hiddenMask(net.widths()));
    }

    /**
     * The mean effect of {@code draws} random sets with as many neurons per hidden layer as the pathway, drawn
     * from a seeded generator so the same trace gives the same figures.
     */
    public Effect random(Pathway pathway, int draws, long seed) {
        int[] widths = net.widths();
        double[] after = new double[classes];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int d = 0; d < draws; d++) {
            boolean[][] mask = new boolean[widths.length][];
            for (int l = 1; l < widths.length - 1; l++) {
                mask[l] = new boolean[widths[l]];
                choose(mask[l], pathway.neurons()[l].length, rnd);
            }
            double[] acc = accuracy(predict(mask));
            for (int c = 0; c < classes; c++) {
                after[c] += acc[c] / draws;
            }
        }
        return new Effect(baseline.clone(), after);
    }

    /** Marks {@code k} distinct random positions (partial Fisher–Yates). */
    private static void choose(boolean[] mask, int k, SplittableRandom rnd) {
        int[] idx = new int[mask.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < k && i < idx.length; i++) {
            int j = i + rnd.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            mask[idx[i]] = true;
        }
    }

    private double[] accuracy(int[] predicted) {
        double[] right = new double[classes];
        double[] seen = new double[classes];
        for (int i = 0; i < labels.length; i++) {
            seen[labels[i]]++;
            if (predicted[i] == labels[i]) {
                right[labels[i]]++;
            }
        }
        double[] acc = new double[classes];
        for (int c = 0; c < classes; c++) {
            acc[c] = seen[c] == 0 ? Double.NaN : right[c] / seen[c];
        }
        return acc;
    }
}
