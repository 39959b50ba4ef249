package io.nnstain.analyzer.relevance;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One class's structure at one epoch: per layer the smallest set of neurons carrying the wanted share of the
 * class's relevance (within the cap), and the edges between chosen neurons of adjacent layers.
 *
 * @param neurons per layer (input first), the chosen neurons, most relevant first; the output layer holds the
 *     class's own neuron
 * @param covered per layer, the share of the layer's relevance the chosen neurons carry
 * @param entropy per layer, the normalised entropy of its relevance
 */
public record Pathway(int classIndex, ClassRelevance relevance, int[][] neurons, double[] covered, double[] entropy,
        List<Edge> edges) {

    /** Relevance passed from neuron {@code from} of layer {@code fromLayer} to {@code to} of the next layer. */
    public record Edge(int fromLayer, int from, int to, double relevance) {
    }

    /** The hidden neurons, as {@code layer * 1_000_000 + neuron} keys, for overlaps and ablation. */
    public Set<Long> hiddenKeys() {
        Set<Long> keys = new HashSet<>();
        for (int l = 1; l < neurons.length - 1; l++) {
            for (int j : neurons[l]) {
                keys.add(key(l, j));
            }
        }
        return keys;
    }

    public int hiddenSize() {
        int n = 0;
        for (int l = 1; l < neurons.length - 1; l++) {
            n += neurons[l].length;
        }
        return n;
    }

    /** Per layer, which neurons belong to the structure (hidden layers only; others null). */
    public boolean[][] hiddenMask(int[] widths) {
        boolean[][] mask = new boolean[widths.length][];
        for (int l = 1; l < widths.length - 1; l++) {
            mask[l] = new boolean[widths[l]];
            for (int j : neurons[l]) {
                mask[l][j] = true;
            }
        }
        return mask;
    }

    public static long key(int layer, int neuron) {
        return layer * 1_000_000L + neuron;
    }
}
