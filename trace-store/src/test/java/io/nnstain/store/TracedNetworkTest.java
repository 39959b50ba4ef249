package io.nnstain.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TracedNetworkTest {

    static TracedNetwork random(int[] widths, String hidden, SplittableRandom rnd) {
        float[][][] w = new float[widths.length][][];
        float[][] b = new float[widths.length][];
        for (int l = 1; l < widths.length; l++) {
            w[l] = new float[widths[l]][widths[l - 1]];
            b[l] = new float[widths[l]];
            for (int k = 0; k < widths[l]; k++) {
                b[l][k] = (float) rnd.nextGaussian() * 0.1f;
                for (int j = 0; j < widths[l - 1]; j++) {
                    w[l][k][j] = (float) (rnd.nextGaussian() / Math.sqrt(widths[l - 1]));
                }
            }
        }
        return new TracedNetwork(widths, List.of("identity", hidden, hidden, "identity"), w, b);
    }

    @Test
    void shouldSilenceFromAKeptPassAsAFullPassDoes() {
        SplittableRandom rnd = new SplittableRandom(3);
        int[] widths = {12, 20, 16, 5};
        for (String activation : List.of("relu", "tanh", "sigmoid")) {
            TracedNetwork net = random(widths, activation, rnd);
            for (int trial = 0; trial < 200; trial++) {
                float[] x = new float[widths[0]];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                boolean[][] mask = new boolean[widths.length][];
                for (int l = 1; l < widths.length - 1; l++) {
                    mask[l] = new boolean[widths[l]];
                    // sometimes nothing in the first hidden layer, so the pass starts later; sometimes nothing at all
                    double share = trial % 5 == 0 ? 0 : (l == 1 && trial % 3 == 0 ? 0 : 0.2);
                    for (int k = 0; k < widths[l]; k++) {
                        mask[l][k] = rnd.nextDouble() < share;
                    }
                }
                double[] full = net.forward(x, mask);
                double[] kept = net.forward(net.pass(x), mask);
                assertArrayEquals(full, kept, 1e-12, activation + " trial " + trial);
                assertEquals(net.predict(x, mask), net.predict(net.pass(x), mask));
            }
            float[] x = new float[widths[0]];
            assertArrayEquals(net.forward(x, null), net.forward(net.pass(x), null), 0.0, "nothing silenced: the pass itself");
        }
    }
}
