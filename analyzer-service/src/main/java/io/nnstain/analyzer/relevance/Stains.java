package io.nnstain.analyzer.relevance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A neuron's stain: the classes whose structures hold it and how selective it is. Selectivity is the dominant
 * class's share of the neuron's relevance summed over classes (each class's relevance counts as a share of
 * its layer's total): 1 when only one class uses it, 1/classes when all use it alike.
 */
public final class Stains {

    public record Stain(int layer, int neuron, List<Integer> classes, int dominantClass, double selectivity) {

        public boolean shared() {
            return classes.size() > 1;
        }
    }

    private Stains() {
    }

    public static List<Stain> of(List<Pathway> pathways) {
        Map<Long, List<Integer>> members = new TreeMap<>();
        for (Pathway p : pathways) {
            for (int l = 0; l < p.neurons().length; l++) {
                for (int j : p.neurons()[l]) {
                    members.computeIfAbsent(Pathway.key(l, j), k -> new ArrayList<>()).add(p.classIndex());
                }
            }
        }
        List<Stain> out = new ArrayList<>(members.size());
        for (Map.Entry<Long, List<Integer>> e : members.entrySet()) {
            int layer = (int) (e.getKey() / 1_000_000L);
            int neuron = (int) (e.getKey() % 1_000_000L);
            double total = 0;
            double best = -1;
            int dominant = e.getValue().get(0);
            for (Pathway p : pathways) {
                double share = share(p.relevance().perLayer()[layer], neuron);
                total += share;
                if (share > best) {
                    best = share;
                    dominant = p.classIndex();
                }
            }
            List<Integer> classes = List.copyOf(e.getValue());
            out.add(new Stain(layer, neuron, classes, dominant, total > 0 ? best / total : 1.0 / pathways.size()));
        }
        return out;
    }

    private static double share(double[] layer, int neuron) {
        double total = 0;
        for (double v : layer) {
            total += Math.abs(v);
        }
        return total == 0 ? 0 : Math.max(layer[neuron], 0) / total;
    }
}
