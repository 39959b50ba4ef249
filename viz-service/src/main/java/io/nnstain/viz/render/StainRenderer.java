package io.nnstain.viz.render;

import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.NeuronStain;
import io.nnstain.schemas.avro.StructureEdge;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.viz.render.Canvas.Anchor;
import io.nnstain.viz.render.Canvas.Style;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stain: layers as columns, neurons as nodes coloured by their stain (class hue; selectivity as
 * saturation; shared neurons as pies of their classes), each class's structure edges in its colour with
 * width in proportion to relevance. Neurons are ordered by stain, so each class's pathway runs as a band; a
 * layer wider than {@link #MAX_NODES} is drawn as bins of neurons of the same stain, so a 1024-wide layer stays
 * a column of at most that many nodes.
 */
public final class StainRenderer {

    static final int MAX_NODES = 64;
    /** Edges drawn per class between two layers, strongest first, and not below this share of the strongest. */
    static final int MAX_EDGES = 60;
    static final double MIN_EDGE_SHARE = 0.03;
    private static final int TOP = 70;
    private static final int COLUMN = 190;
    private static final int LEFT = 90;
    private static final int PLOT_HEIGHT = 560;
    private static final int LEGEND = 90;

    /** What the renderer needs besides the snapshot. */
    public record Network(List<String> layerNames, int[] widths, List<String> classNames) {
    }

    /** One drawn node: one neuron, or a bin of neurons that share a stain. */
    record Node(int layer, List<Integer> neurons, String key, double x, double y, double r) {
    }

    private StainRenderer() {
    }

    public static void draw(Canvas canvas, StructureSnapshot s, Network net) {
        int layers = net.widths().length;
        Map<Long, NeuronStain> stains = new HashMap<>();
        for (NeuronStain st : s.getStains()) {
            stains.put(key(st.getLayerIndex(), st.getNeuron()), st);
        }
        List<List<Node>> nodes = new ArrayList<>();
        Map<Long, Node> nodeOf = new HashMap<>();
        for (int l = 0; l < layers; l++) {
            List<Node> column = layout(l, net.widths()[l], stains, LEFT + l * COLUMN);
            nodes.add(column);
            for (Node n : column) {
                for (int j : n.neurons()) {
                    nodeOf.put(key(l, j), n);
                }
            }
        }
        canvas.text(20, 28, "Stains of " + s.getRunId() + " at E_" + s.getEpoch(), 18, Anchor.START, Palette.INK, true);
        canvas.text(20, 48, String.format(Locale.ROOT, "rule %s, each structure carries %.0f%% of a layer's relevance,"
                + " at most %.0f%% of its neurons", s.getRule(), 100 * s.getCoverage(), 100 * s.getMaxFraction()), 12,
                Anchor.START, Palette.MUTED, false);
        for (int l = 0; l < layers; l++) {
            canvas.text(LEFT + l * COLUMN, TOP - 8, net.layerNames().get(l) + " (" + net.widths()[l] + ")", 12,
                    Anchor.MIDDLE, Palette.INK, true);
        }
        drawEdges(canvas, s, nodeOf);
        for (List<Node> column : nodes) {
            for (Node n : column) {
                drawNode(canvas, n, s, stains, net);
            }
        }
        drawLegend(canvas, net, TOP + PLOT_HEIGHT + 30);
    }

    public static int width(int layers) {
        return LEFT + (layers - 1) * COLUMN + 160;
    }

    public static int height() {
        return TOP + PLOT_HEIGHT + LEGEND + 20;
    }

    /** Neurons of a layer as nodes: in their own order while they fit, else ordered by stain and binned. */
    static List<Node> layout(int layer, int width, Map<Long, NeuronStain> stains, double x) {
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < width; j++) {
            order.add(j);
        }
        // ordered by stain (class bands, then shared, then unstained): pathways run as bands, not a tangle
        order.sort(Comparator.<Integer>comparingInt(j -> rank(stains.get(key(layer, j))))
                .thenComparingDouble(j -> -selectivity(stains.get(key(layer, j)))).thenComparingInt(j -> j));
        List<List<Integer>> groups = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        if (width <= MAX_NODES) {
            for (int j : order) {
                groups.add(List.of(j));
                keys.add(stainKey(stains.get(key(layer, j))));
            }
        } else {
            Map<String, List<Integer>> byKey = new LinkedHashMap<>();
            for (int j : order) {
                byKey.computeIfAbsent(stainKey(stains.get(key(layer, j))), k -> new ArrayList<>()).add(j);
            }
            // slots in proportion to each stain's neurons, at least one each; the unstained, which say least,
            // get at most a few
            int unstained = byKey.getOrDefault("none", List.of()).size();
            int stained = width - unstained;
            int unstainedBins = unstained == 0 ? 0 : Math.min(4, 1 + unstained / Math.max(1, width / MAX_NODES));
            int slots = MAX_NODES - byKey.size() - unstainedBins;
            for (Map.Entry<String, List<Integer>> e : byKey.entrySet()) {
                List<Integer> members = e.getValue();
                int bins = e.getKey().equals("none") ? unstainedBins
                        : 1 + (int) Math.floor((double) slots * members.size() / Math.max(1, stained));
                int per = (int) Math.ceil((double) members.size() / bins);
                for (int i = 0; i < members.size(); i += per) {
                    groups.add(members.subList(i, Math.min(members.size(), i + per)));
                    keys.add(e.getKey());
                }
            }
        }
        double spacing = (double) PLOT_HEIGHT / groups.size();
        double r = Math.max(2.5, Math.min(9, spacing * 0.38));
        List<Node> out = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            double y = TOP + spacing * (i + 0.5);
            int size = groups.get(i).size();
            out.add(new Node(layer, List.copyOf(groups.get(i)), keys.get(i), x, y,
                    size == 1 ? r : Math.min(spacing * 0.48, r * (1 + 0.25 * Math.log(size)))));
        }
        return out;
    }

    private static void drawEdges(Canvas canvas, StructureSnapshot s, Map<Long, Node> nodeOf) {
        double max = 0;
        for (ClassStructure cs : s.getClasses()) {
            for (StructureEdge e : cs.getEdges()) {
                max = Math.max(max, e.getRelevance());
            }
        }
        if (max <= 0) {
            return;
        }
        for (ClassStructure cs : s.getClasses()) {
            // edges between the same two nodes (bins) are drawn once, with their summed relevance
            Map<String, double[]> merged = new LinkedHashMap<>();
            Map<String, Node[]> ends = new HashMap<>();
            for (StructureEdge e : cs.getEdges()) {
                Node a = nodeOf.get(key(e.getFromLayerIndex(), e.getFromNeuron()));
                Node b = nodeOf.get(key(e.getFromLayerIndex() + 1, e.getToNeuron()));
                if (a == null || b == null) {
                    continue;
                }
                String k = a.layer() + "/" + a.y() + ">" + b.y(); // y tells nodes of a layer apart
                merged.computeIfAbsent(k, x -> new double[1])[0] += e.getRelevance();
                ends.put(k, new Node[] {a, b});
            }
            String colour = Palette.classColour(cs.getClassIndex());
            canvas.beginGroup("edges", Map.of("class", String.valueOf(cs.getClassIndex())), null);
            // per pair of layers the strongest edges only: the pathway, not a hairball
            Map<Integer, List<Map.Entry<String, double[]>>> byLayer = new java.util.TreeMap<>();
            for (Map.Entry<String, double[]> e : merged.entrySet()) {
                byLayer.computeIfAbsent(ends.get(e.getKey())[0].layer(), l -> new ArrayList<>()).add(e);
            }
            for (List<Map.Entry<String, double[]>> pairs : byLayer.values()) {
                pairs.sort(Comparator.comparingDouble(e -> -e.getValue()[0]));
                double strongest = pairs.get(0).getValue()[0];
                for (int i = 0; i < pairs.size() && i < MAX_EDGES; i++) {
                    double rel = pairs.get(i).getValue()[0];
                    if (rel < MIN_EDGE_SHARE * strongest) {
                        break;
                    }
                    Node[] ab = ends.get(pairs.get(i).getKey());
                    double w = 0.6 + 5.4 * Math.min(1, rel / max);
                    canvas.line(ab[0].x(), ab[0].y(), ab[1].x(), ab[1].y(), Style.stroke(colour, w).withOpacity(0.5));
                }
            }
            canvas.endGroup();
        }
    }

    private static void drawNode(Canvas canvas, Node n, StructureSnapshot s, Map<Long, NeuronStain> stains,
            Network net) {
        String layerName = net.layerNames().get(n.layer());
        Map<String, String> data = new LinkedHashMap<>();
        String title;
        List<Integer> classes = new ArrayList<>();
        if (n.neurons().size() == 1) {
            int j = n.neurons().get(0);
            NeuronStain st = stains.get(key(n.layer(), j));
            String signature = "E_" + s.getEpoch() + "/L_" + layerName + "/n_" + j;
            data.put("signature", signature);
            data.put("layer", layerName);
            data.put("neuron", String.valueOf(j));
            if (st != null) {
                classes.addAll(st.getClasses());
                data.put("selectivity", String.format(Locale.ROOT, "%.3f", st.getSelectivity()));
            }
            title = signature + (st == null ? ": in no structure"
                    : ": " + (st.getClasses().size() > 1 ? "shared by " : "stain ") + names(st.getClasses(), net)
                    + String.format(Locale.ROOT, ", selectivity %.2f", st.getSelectivity()));
        } else {
            for (int j : n.neurons()) {
                NeuronStain st = stains.get(key(n.layer(), j));
                if (st != null) {
                    for (int c : st.getClasses()) {
                        if (!classes.contains(c)) {
                            classes.add(c);
                        }
                    }
                }
            }
            data.put("layer", layerName);
            data.put("neurons", String.valueOf(n.neurons().size()));
            title = "E_" + s.getEpoch() + "/L_" + layerName + ": " + n.neurons().size() + " neurons, "
                    + (classes.isEmpty() ? "in no structure" : (n.key().equals("shared") ? "shared by " : "stain ")
                    + names(classes, net));
        }
        classes.sort(Integer::compare);
        data.put("classes", String.join(",", classes.stream().map(String::valueOf).toList()));
        canvas.beginGroup(n.neurons().size() == 1 ? "neuron" : "neuron bin", data, title);
        Style outline = new Style(null, "#ffffff", 0.8, 1);
        if (classes.isEmpty()) {
            canvas.circle(n.x(), n.y(), n.r(), Style.fill(Palette.UNSTAINED).withStroke(Palette.MUTED, 0.6));
        } else if (classes.size() == 1) {
            double sel = n.neurons().size() == 1 ? selectivity(stains.get(key(n.layer(), n.neurons().get(0)))) : 1;
            canvas.circle(n.x(), n.y(), n.r(), Style.fill(Palette.saturate(Palette.classColour(classes.get(0)),
                    0.35 + 0.65 * sel)).withStroke(outline.stroke(), outline.strokeWidth()));
        } else {
            double extent = 360.0 / classes.size();
            for (int i = 0; i < classes.size(); i++) {
                canvas.wedge(n.x(), n.y(), n.r(), 90 + i * extent, extent, Style.fill(Palette.classColour(classes.get(i))));
            }
            canvas.circle(n.x(), n.y(), n.r(), outline);
        }
        if (n.neurons().size() > 1) {
            canvas.text(n.x() + n.r() + 3, n.y() + 4, "×" + n.neurons().size(), 10, Anchor.START, Palette.MUTED, false);
        }
        canvas.endGroup();
        if (n.layer() == net.widths().length - 1 && n.neurons().size() == 1) {
            canvas.text(n.x() + n.r() + 6, n.y() + 4, net.classNames().get(n.neurons().get(0)), 12, Anchor.START,
                    Palette.INK, false);
        }
    }

    private static void drawLegend(Canvas canvas, Network net, double y) {
        double x = 20;
        for (int c = 0; c < net.classNames().size(); c++) {
            String name = net.classNames().get(c);
            canvas.circle(x + 6, y - 4, 6, Style.fill(Palette.classColour(c)));
            canvas.text(x + 16, y, name, 12, Anchor.START, Palette.INK, false);
            x += 34 + 7 * Math.min(name.length(), 24);
            if (x > canvas.width() - 120) {
                x = 20;
                y += 20;
            }
        }
        y += 24;
        canvas.wedge(26, y - 4, 6, 90, 180, Style.fill(Palette.classColour(0)));
        canvas.wedge(26, y - 4, 6, 270, 180, Style.fill(Palette.classColour(1)));
        canvas.text(36, y, "shared by several classes", 11, Anchor.START, Palette.MUTED, false);
        canvas.circle(216, y - 4, 6, Style.fill(Palette.UNSTAINED).withStroke(Palette.MUTED, 0.6));
        canvas.text(226, y, "in no structure", 11, Anchor.START, Palette.MUTED, false);
        canvas.text(340, y, "paler = less selective; edge width ∝ relevance; ×n = n neurons of one stain", 11,
                Anchor.START, Palette.MUTED, false);
    }

    private static String names(List<Integer> classes, Network net) {
        return String.join(", ", classes.stream().map(c -> net.classNames().get(c)).toList());
    }

    private static String stainKey(NeuronStain st) {
        if (st == null) {
            return "none";
        }
        return st.getClasses().size() > 1 ? "shared" : "c" + st.getClasses().get(0);
    }

    private static int rank(NeuronStain st) {
        if (st == null) {
            return Integer.MAX_VALUE;
        }
        return st.getClasses().size() > 1 ? Integer.MAX_VALUE - 1 : st.getClasses().get(0);
    }

    private static double selectivity(NeuronStain st) {
        return st == null ? 0 : st.getSelectivity();
    }

    static long key(int layer, int neuron) {
        return layer * 1_000_000L + neuron;
    }
}
