package io.nnstain.analyzer.relevance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.store.TracedNetwork;
import io.nnstain.analyzer.verify.Ablation;
import io.nnstain.schemas.config.AnalysisParams;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RelevanceTest {

    @Test
    void shouldConserveRelevancePerLayerOnRandomNetworks() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int[] widths = {5 + rnd.nextInt(20), 3 + rnd.nextInt(40), 3 + rnd.nextInt(40), 2 + rnd.nextInt(8)};
            TracedNetwork net = randomNet(widths, rnd);
            float[][][] means = randomMeans(widths, widths[3], rnd);
            for (RelevanceRule rule : RelevanceRule.values()) {
                for (int c = 0; c < widths[3]; c++) {
                    ClassRelevance r = Relevance.of(net, means, c, rule);
                    for (int l = 0; l < widths.length; l++) {
                        double sum = Arrays.stream(r.perLayer()[l]).sum();
                        assertEquals(1.0, sum, 1e-6, rule + " class " + c + " layer " + l + " of trial " + trial);
                    }
                    if (rule == RelevanceRule.Z_PLUS) {
                        for (double[] layer : r.perLayer()) {
                            assertTrue(Arrays.stream(layer).allMatch(v -> v >= 0), "z+ relevance is never negative");
                        }
                    }
                }
            }
        }
    }

    /** The pitfall of LRP-z on class means: contributions that nearly cancel make the shares explode. */
    @Test
    void shouldKeepSharesBoundedWhereContributionsNearlyCancelUnderZPlusButNotUnderZ() {
        float[][][] w = {null, {{1f, -0.999f}}, {{1f}, {0.5f}}};
        TracedNetwork net = new TracedNetwork(new int[] {2, 1, 2}, List.of("identity", "relu", "identity"), w,
                new float[][] {null, {0f}, {0f, 0f}});
        float[][][] means = {{{1f, 1f}, {1f, 1f}}, {{0.001f, 0.001f}}, {{0.001f, 0.001f}, {0.0005f, 0.0005f}}};
        double[] z = Relevance.of(net, means, 0, RelevanceRule.Z).perLayer()[0];
        double[] zPlus = Relevance.of(net, means, 0, RelevanceRule.Z_PLUS).perLayer()[0];
        assertTrue(Math.abs(z[0]) > 500 && z[1] < -500, "z: " + Arrays.toString(z));
        assertArrayEquals(new double[] {1, 0}, zPlus, 1e-12);
    }

    @Test
    void shouldSplitRelevanceAlongEdgesAsItSplitsAmongNeurons() {
        Random rnd = new Random(11);
        int[] widths = {6, 8, 7, 3};
        TracedNetwork net = randomNet(widths, rnd);
        float[][][] means = randomMeans(widths, 3, rnd);
        ClassRelevance r = Relevance.of(net, means, 1, RelevanceRule.Z_PLUS);
        float[][][] w = {null, net.weights(1), net.weights(2), net.weights(3)};
        for (int l = 1; l < widths.length; l++) {
            for (int j = 0; j < widths[l - 1]; j++) {
                double incoming = 0;
                for (int k = 0; k < widths[l]; k++) {
                    incoming += r.edge(w, l, j, k);
                }
                assertEquals(r.perLayer()[l - 1][j], incoming, 1e-9, "neuron " + j + " of layer " + (l - 1));
            }
        }
    }

    /**
     * Three classes, each with its own two input features and its own two neurons in each hidden layer,
     * joined only to each other: the pathways are known.
     */
    @Test
    void shouldFindExactlyTheDisjointPathwaysOfAHandBuiltNetworkAndTheirAblationKillsOnlyTheirClass() {
        int classes = 3;
        int[] widths = {6, 6, 6, 3};
        float[][][] weights = new float[4][][];
        float[][] bias = new float[4][];
        for (int l = 1; l < 4; l++) {
            weights[l] = new float[widths[l]][widths[l - 1]];
            bias[l] = new float[widths[l]];
            for (int k = 0; k < widths[l]; k++) {
                for (int j = 0; j < widths[l - 1]; j++) {
                    int classOfK = l == 3 ? k : k / 2;
                    weights[l][k][j] = j / 2 == classOfK ? 1f : -0.05f;
                }
            }
        }
        TracedNetwork net = new TracedNetwork(widths, List.of("identity", "relu", "relu", "identity"), weights, bias);
        // samples: a class's own features at 1, the others at 0.1
        float[][] samples = new float[classes * 4][6];
        int[] labels = new int[samples.length];
        for (int i = 0; i < samples.length; i++) {
            labels[i] = i % classes;
            for (int j = 0; j < 6; j++) {
                samples[i][j] = j / 2 == labels[i] ? 1f + 0.01f * i : 0.1f;
            }
        }
        float[][][] means = classMeans(net, samples, labels, classes);
        StructureFinder finder = new StructureFinder(new AnalysisParams(0.9, 2.0 / 6, AnalysisParams.Z_PLUS));
        Ablation ablation = new Ablation(net, samples, labels);
        assertArrayEquals(new double[] {1, 1, 1}, ablation.baseline(), 0);
        for (int c = 0; c < classes; c++) {
            Pathway p = finder.find(net, means, c);
            for (int l = 0; l < 3; l++) {
                int[] found = p.neurons()[l].clone();
                Arrays.sort(found);
                assertArrayEquals(new int[] {2 * c, 2 * c + 1}, found, "class " + c + " layer " + l);
            }
            assertArrayEquals(new int[] {c}, p.neurons()[3]);
            Ablation.Effect effect = ablation.silence(p);
            for (int k = 0; k < classes; k++) {
                assertEquals(k == c ? 0.0 : 1.0, effect.ablatedAccuracy()[k], "class " + k + " after silencing class " + c);
            }
            assertEquals(2 * 2 + 2 * 2 + 2, p.edges().size(), "2x2 edges between adjacent layers, 2x1 into the output");
        }
    }

    @Test
    void shouldCapStructuresAndStopOnceCoverageIsReached() {
        double[] r = {0.05, 0.5, 0.3, 0.1, 0.05};
        assertArrayEquals(new int[] {1, 2}, StructureFinder.smallestCovering(r, 0.8, 5));
        assertArrayEquals(new int[] {1}, StructureFinder.smallestCovering(r, 0.8, 1));
        assertArrayEquals(new int[] {1, 2, 3, 0}, StructureFinder.smallestCovering(r, 0.95, 5), "ties by index");
        assertArrayEquals(new int[0], StructureFinder.smallestCovering(new double[] {0, 0}, 0.8, 2));
    }

    static float[][][] classMeans(TracedNetwork net, float[][] samples, int[] labels, int classes) {
        int[] widths = net.widths();
        float[][][] means = new float[widths.length][][];
        for (int l = 0; l < widths.length; l++) {
            means[l] = new float[widths[l]][classes];
        }
        int[] count = new int[classes];
        for (int i = 0; i < samples.length; i++) {
            count[labels[i]]++;
            double[] a = new double[samples[i].length];
            for (int j = 0; j < a.length; j++) {
                a[j] = samples[i][j];
                means[0][j][labels[i]] += samples[i][j];
            }
            for (int l = 1; l < widths.length; l++) {
                double[] z = new double[widths[l]];
                for (int k = 0; k < z.length; k++) {
                    double s = net.bias(l)[k];
                    for (int j = 0; j < a.length; j++) {
                        s += net.weight(l, k, j) * a[j];
                    }
                    z[k] = l < widths.length - 1 ? Math.max(s, 0) : s;
                    means[l][k][labels[i]] += (float) z[k];
                }
                a = z;
            }
        }
        for (float[][] layer : means) {
            for (float[] neuron : layer) {
                for (int c = 0; c < classes; c++) {
                    neuron[c] /= count[c];
                }
            }
        }
        return means;
    }

    static TracedNetwork randomNet(int[] widths, Random rnd) {
        float[][][] w = new float[widths.length][][];
        float[][] b = new float[widths.length][];
        for (int l = 1; l < widths.length; l++) {
            w[l] = new float[widths[l]][widths[l - 1]];
            b[l] = new float[widths[l]];
            for (int k = 0; k < widths[l]; k++) {
                b[l][k] = (float) rnd.nextGaussian() * 0.1f;
                for (int j = 0; j < widths[l - 1]; j++) {
                    w[l][k][j] = (float) rnd.nextGaussian();
                }
            }
        }
        return new TracedNetwork(widths, List.of("identity", "relu", "relu", "identity"), w, b);
    }

    /** Hidden means are ReLU means (≥ 0, some exactly 0); input means take any sign, as standardised features. */
    static float[][][] randomMeans(int[] widths, int classes, Random rnd) {
        float[][][] m = new float[widths.length][][];
        for (int l = 0; l < widths.length; l++) {
            m[l] = new float[widths[l]][classes];
            for (int j = 0; j < widths[l]; j++) {
                for (int c = 0; c < classes; c++) {
                    float v = (float) rnd.nextGaussian();
                    m[l][j][c] = l == 0 || l == widths.length - 1 ? v : (rnd.nextInt(4) == 0 ? 0f : Math.abs(v));
                }
            }
        }
        return m;
    }
}
