package io.nnstain.analyzer.relevance;

import io.nnstain.store.TracedNetwork;
import io.nnstain.schemas.config.AnalysisParams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Cuts each class's structure out of its relevance. */
public final class StructureFinder {

    private final AnalysisParams params;
    private final RelevanceRule rule;

    public StructureFinder(AnalysisParams params) {
        this.params = params;
        this.rule = RelevanceRule.of(params.rule());
    }

    public List<Pathway> find(TracedNetwork net, float[][][] classMeans) {
        int classes = net.widths()[net.layerCount() - 1];
        List<Pathway> out = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            out.add(find(net, classMeans, c));
        }
        return out;
    }

    public Pathway find(TracedNetwork net, float[][][] classMeans, int classIndex) {
        ClassRelevance r = Relevance.of(net, classMeans, classIndex, rule);
        int layers = net.layerCount();
        int[][] chosen = new int[layers][];
        double[] covered = new double[layers];
        double[] entropy = new double[layers];
        for (int l = 0; l < layers; l++) {
            double[] rel = r.perLayer()[l];
            entropy[l] = Relevance.normalisedEntropy(rel);
            if (l == layers - 1) {
                chosen[l] = new int[] {classIndex};
                covered[l] = 1;
                continue;
            }
            chosen[l] = smallestCovering(rel, params.coverage(), params.cap(rel.length));
            double total = positiveSum(rel);
            double carried = 0;
            for (int j : chosen[l]) {
                carried += rel[j];
            }
            covered[l] = total == 0 ? 0 : carried / total;
        }
        List<Pathway.Edge> edges = new ArrayList<>();
        float[][][] weights = new float[layers][][];
        for (int l = 1; l < layers; l++) {
            weights[l] = net.weights(l);
        }
        for (int l = 0; l < layers - 1; l++) {
            for (int from : chosen[l]) {
                for (int to : chosen[l + 1]) {
                    double e = r.edge(weights, l + 1, from, to);
                    if (e != 0) {
                        edges.add(new Pathway.Edge(l, from, to, e));
                    }
                }
            }
        }
        return new Pathway(classIndex, r, chosen, covered, entropy, edges);
    }

    /**
     * The fewest neurons, most relevant first, whose relevance reaches {@code coverage} of the layer's positive
     * relevance, but never more than {@code cap}; neurons without positive relevance are never chosen.
     */
    static int[] smallestCovering(double[] relevance, double coverage, int cap) {
        double total = positiveSum(relevance);
        if (total <= 0) {
            return new int[0];
        }
        Integer[] order = IntStream.range(0, relevance.length).boxed().toArray(Integer[]::new);
        // ties broken by index, so the same trace always gives the same structure
        java.util.Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -relevance[j]).thenComparing(j -> j));
        List<Integer> picked = new ArrayList<>();
        double carried = 0;
        for (int j : order) {
            if (carried >= coverage * total - 1e-12 || picked.size() >= cap || relevance[j] <= 0) {
                break;
            }
            picked.add(j);
            carried += relevance[j];
        }
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double positiveSum(double[] values) {
        double s = 0;
        for (double v : values) {
            if (v > 0) {
                s += v;
            }
        }
        return s;
    }
}
