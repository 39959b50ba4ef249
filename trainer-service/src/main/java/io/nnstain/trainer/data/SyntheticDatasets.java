package io.nnstain.trainer.data;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/** Seeded synthetic data sets in the manner of scikit-learn's generators. */
final class SyntheticDatasets {

    private SyntheticDatasets() {
    }

    /** Two interleaving half circles, as in the original project's default run. */
    static Dataset moons(int n, double noise, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][2];
        int[] y = new int[n];
        int outer = n / 2;
        for (int i = 0; i < n; i++) {
            boolean first = i < outer;
            int k = first ? i : i - outer;
            int count = first ? outer : n - outer;
            double t = Math.PI * k / Math.max(1, count - 1);
            double px = first ? Math.cos(t) : 1 - Math.cos(t);
            double py = first ? Math.sin(t) : 0.5 - Math.sin(t);
            x[i][0] = (float) (px + noise * r.nextGaussian());
            x[i][1] = (float) (py + noise * r.nextGaussian());
            y[i] = first ? 0 : 1;
        }
        return twoD("moons", x, y, List.of("upper_moon", "lower_moon"));
    }

    /** A small circle inside a large one. */
    static Dataset circles(int n, double noise, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            boolean inner = i % 2 == 1;
            double t = 2 * Math.PI * r.nextDouble();
            double radius = inner ? 0.5 : 1.0;
            x[i][0] = (float) (radius * Math.cos(t) + noise * 0.5 * r.nextGaussian());
            x[i][1] = (float) (radius * Math.sin(t) + noise * 0.5 * r.nextGaussian());
            y[i] = inner ? 1 : 0;
        }
        return twoD("circles", x, y, List.of("outer", "inner"));
    }

    /** Points in [-1, 1]², class = whether x and y have the same sign. */
    static Dataset xor(int n, double noise, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double a = 2 * r.nextDouble() - 1;
            double b = 2 * r.nextDouble() - 1;
            y[i] = (a > 0) == (b > 0) ? 0 : 1;
            x[i][0] = (float) (a + noise * 0.5 * r.nextGaussian());
            x[i][1] = (float) (b + noise * 0.5 * r.nextGaussian());
        }
        return twoD("xor", x, y, List.of("same_sign", "opposite_sign"));
    }

    /** {@code classes} interleaved spiral arms. */
    static Dataset spirals(int n, int classes, double noise, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            double t = r.nextDouble();
            double angle = 2 * Math.PI * c / classes + 3 * Math.PI * t;
            x[i][0] = (float) (t * Math.cos(angle) + noise * 0.3 * r.nextGaussian());
            x[i][1] = (float) (t * Math.sin(angle) + noise * 0.3 * r.nextGaussian());
            y[i] = c;
        }
        return twoD("spirals", x, y, IntStream.range(0, classes).mapToObj(c -> "arm_" + c).toList());
    }

    /** Isotropic Gaussian blobs around seeded centres in {@code features} dimensions. */
    static Dataset blobs(int n, int classes, int features, double noise, long seed) {
        Random r = new Random(seed);
        double[][] centres = new double[classes][features];
        for (double[] c : centres) {
            for (int j = 0; j < features; j++) {
                c[j] = 10 * r.nextDouble() - 5;
            }
        }
        float[][] x = new float[n][features];
        int[] y = new int[n];
        double spread = Math.max(noise, 1e-3) * 5;
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            for (int j = 0; j < features; j++) {
                x[i][j] = (float) (centres[c][j] + spread * r.nextGaussian());
            }
            y[i] = c;
        }
        List<String> names = IntStream.range(0, features).mapToObj(j -> "x" + j).toList();
        return new Dataset("blobs", x, y, IntStream.range(0, classes).mapToObj(c -> "blob_" + c).toList(), names,
                List.of(features));
    }

    private static Dataset twoD(String name, float[][] x, int[] y, List<String> classes) {
        return new Dataset(name, x, y, classes, List.of("x0", "x1"), List.of(2));
    }
}
