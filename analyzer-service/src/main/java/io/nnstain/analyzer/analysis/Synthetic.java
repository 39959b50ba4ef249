package io.nnstain.analyzer.analysis;

import io.nnstain.store.StoredEpoch;
import io.nnstain.store.StoredRun;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Made-up runs and epochs of any size: for the analyzer's warm-up and for benchmarks of wide networks. */
public final class Synthetic {

    private Synthetic() {
    }

    public static StoredRun run(int[] widths, int samples, SplittableRandom rnd) {
        List<String> names = new ArrayList<>();
        List<String> activations = new ArrayList<>();
        for (int l = 0; l < widths.length; l++) {
            names.add(l == 0 ? "input" : l == widths.length - 1 ? "output" : "hidden_" + l);
            activations.add(l == 0 || l == widths.length - 1 ? "identity" : "relu");
        }
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < widths[widths.length - 1]; c++) {
            classes.add(String.valueOf(c));
        }
        float[][] x = new float[samples][widths[0]];
        int[] y = new int[samples];
        for (int i = 0; i < samples; i++) {
            y[i] = i % classes.size();
            for (int j = 0; j < widths[0]; j++) {
                x[i][j] = (float) rnd.nextDouble(-1, 1);
            }
        }
        return new StoredRun("made-up", "synthetic", 1, names, widths, activations, classes, List.of(), List.of(0, 1),
                x, y);
    }

    /**
     * @param selective when true, neuron j of every layer prefers class j mod classes (its class mean and its
     *     weights from neurons of the same class are raised), as in a trained network; else all is noise
     */
    public static StoredEpoch epoch(int epoch, int[] widths, SplittableRandom rnd, boolean selective) {
        int layers = widths.length;
        int classes = widths[layers - 1];
        float[][][] means = new float[layers][][];
        float[][][] w = new float[layers][][];
        float[][] b = new float[layers][];
        float[][][] g = new float[layers][][];
        float[][] gb = new float[layers][];
        for (int l = 0; l < layers; l++) {
            means[l] = new float[widths[l]][classes];
            for (int j = 0; j < widths[l]; j++) {
                float[] m = means[l][j];
                if (selective) {
                    m[j % classes] += 1f;
                }
                for (int c = 0; c < classes; c++) {
                    m[c] = (float) rnd.nextDouble(0, 1) * (selective ? 0.2f : 1f);
                }
            }
            if (l > 0) {
                w[l] = new float[widths[l]][widths[l - 1]];
                g[l] = new float[widths[l]][widths[l - 1]];
                b[l] = new float[widths[l]];
                gb[l] = new float[widths[l]];
                for (int k = 0; k < widths[l]; k++) {
                    for (int j = 0; j < widths[l - 1]; j++) {
                        w[l][k][j] = (float) rnd.nextDouble(-0.3, 0.3)
                                + (selective && k % classes == j % classes ? 0.4f : 0f);
                        g[l][k][j] = (float) rnd.nextDouble(-0.01, 0.01);
                    }
                }
            }
        }
        return new StoredEpoch(epoch, means, w, b, g, gb);
    }
}
