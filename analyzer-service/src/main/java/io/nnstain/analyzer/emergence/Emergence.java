package io.nnstain.analyzer.emergence;

import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.StructureLayer;
import io.nnstain.schemas.avro.StructureSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How each class's structure emerges over the scanned epochs: overlap with the previous and with the final
 * structure, the settling epoch, structure size and the entropy of relevance per layer.
 */
public final class Emergence {

    /** The overlap with the final structure a settled structure keeps from its settling epoch on. */
    public static final double SETTLED = 0.8;

    /**
     * @param jaccardPrevious per epoch, overlap with the previous scanned epoch (NaN for the first)
     * @param jaccardFinal per epoch, overlap with the structure at the last epoch given
     * @param entropy per epoch, per layer
     * @param settlingEpoch the first epoch from which the overlap with the final structure stays ≥ 0.8
     */
    public record ClassEmergence(int classIndex, String className, List<Integer> epochs, double[] jaccardPrevious,
            double[] jaccardFinal, int[] hiddenSize, double[][] entropy, int settlingEpoch) {
    }

    private Emergence() {
    }

    /** @param snapshots one per scanned epoch, ascending; the last is taken as final */
    public static List<ClassEmergence> of(List<StructureSnapshot> snapshots) {
        if (snapshots.isEmpty()) {
            return List.of();
        }
        int classes = snapshots.get(0).getClasses().size();
        int n = snapshots.size();
        List<Integer> epochs = snapshots.stream().map(StructureSnapshot::getEpoch).toList();
        List<ClassEmergence> out = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            List<Set<Long>> sets = new ArrayList<>(n);
            double[][] entropy = new double[n][];
            int[] size = new int[n];
            for (int e = 0; e < n; e++) {
                ClassStructure cs = snapshots.get(e).getClasses().get(c);
                sets.add(hidden(cs));
                size[e] = sets.get(e).size();
                entropy[e] = cs.getLayers().stream().mapToDouble(StructureLayer::getEntropy).toArray();
            }
            double[] prev = new double[n];
            double[] fin = new double[n];
            for (int e = 0; e < n; e++) {
                prev[e] = e == 0 ? Double.NaN : jaccard(sets.get(e), sets.get(e - 1));
                fin[e] = jaccard(sets.get(e), sets.get(n - 1));
            }
            int settle = n - 1;
            while (settle > 0 && fin[settle - 1] >= SETTLED) {
                settle--;
            }
            out.add(new ClassEmergence(c, snapshots.get(0).getClasses().get(c).getClassName(), epochs, prev, fin, size,
                    entropy, epochs.get(settle)));
        }
        return out;
    }

    /** The structure's hidden neurons as {@code layer * 1_000_000 + neuron}. */
    public static Set<Long> hidden(ClassStructure cs) {
        Set<Long> keys = new HashSet<>();
        List<StructureLayer> layers = cs.getLayers();
        for (int l = 1; l < layers.size() - 1; l++) {
            for (int j : layers.get(l).getNeurons()) {
                keys.add(layers.get(l).getLayerIndex() * 1_000_000L + j);
            }
        }
        return keys;
    }

    /** Overlap |a ∩ b| / |a ∪ b| of two neuron sets; 1 when both are empty. */
    public static double jaccard(Set<Long> a, Set<Long> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 1;
        }
        Set<Long> inter = new HashSet<>(a);
        inter.retainAll(b);
        return (double) inter.size() / (a.size() + b.size() - inter.size());
    }

    /** The median of the classes' settling epochs (the mean of the middle two for an even count). */
    public static double medianSettlingEpoch(List<ClassEmergence> classes) {
        int[] s = classes.stream().mapToInt(ClassEmergence::settlingEpoch).sorted().toArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
