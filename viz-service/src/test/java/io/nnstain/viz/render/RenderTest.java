package io.nnstain.viz.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.NeuronStain;
import io.nnstain.schemas.avro.StructureEdge;
import io.nnstain.schemas.avro.StructureSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenderTest {

    static final String EVIL = "<script>alert(1)</script>";

    static StructureSnapshot snapshot(String runId, int width) {
        List<ClassStructure> classes = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            classes.add(ClassStructure.newBuilder().setClassIndex(c).setClassName("c" + c).setLayers(List.of())
                    .setEdges(List.of(new StructureEdge(0, c, c, 0.5f), new StructureEdge(1, c, c, 0.9f))).build());
        }
        List<NeuronStain> stains = List.of(new NeuronStain(1, 0, List.of(0), 0, 0.9f),
                new NeuronStain(1, 1, List.of(1), 1, 0.6f), new NeuronStain(1, 2, List.of(0, 1), 0, 0.5f));
        return StructureSnapshot.newBuilder().setRunId(runId).setEpoch(3).setRule("z-plus").setCoverage(0.8)
                .setMaxFraction(0.1).setClasses(classes).setStains(stains).setAnalysedAtMs(0).build();
    }

    static StainRenderer.Network network(int hidden) {
        return new StainRenderer.Network(List.of("input", "hidden_1", "output"), new int[] {2, hidden, 2},
                List.of(EVIL, "b&b"));
    }

    static String svg(StructureSnapshot s, StainRenderer.Network net) {
        SvgCanvas c = new SvgCanvas(StainRenderer.width(3), StainRenderer.height(), Palette.BACKGROUND);
        StainRenderer.draw(c, s, net);
        return c.toSvg();
    }

    @Test
    void shouldEscapeEveryLabelThatComesFromData() {
        String doc = svg(snapshot("run\"<x>", 4), network(4));
        assertFalse(doc.contains("<script"), doc);
        assertTrue(doc.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(doc.contains("b&amp;b"));
        assertTrue(doc.contains("run&quot;&lt;x&gt;"));
    }

    @Test
    void shouldDrawTheSameBytesForTheSameData() {
        assertEquals(svg(snapshot("r", 4), network(4)), svg(snapshot("r", 4), network(4)));
        PngCanvas a = new PngCanvas(300, 200, Palette.BACKGROUND);
        PngCanvas b = new PngCanvas(300, 200, Palette.BACKGROUND);
        StainRenderer.draw(a, snapshot("r", 4), network(4));
        StainRenderer.draw(b, snapshot("r", 4), network(4));
        assertArrayEquals(a.toPng(), b.toPng());
    }

    @Test
    void shouldDrawEveryNeuronWhileALayerFitsAndBinsOfOneStainBeyond() {
        String small = svg(snapshot("r", 4), network(4));
        assertEquals(2 + 4 + 2, count(small, "<g class=\"neuron\""));
        assertTrue(small.contains("data-signature=\"E_3/L_hidden_1/n_2\""));
        assertTrue(small.contains("shared by"), "a shared neuron says so");
        Map<Long, NeuronStain> stains = new HashMap<>();
        for (int j = 0; j < 1024; j++) {
            if (j % 3 == 0) {
                stains.put(StainRenderer.key(1, j), new NeuronStain(1, j, List.of(j % 2), j % 2, 0.7f));
            }
        }
        List<StainRenderer.Node> nodes = StainRenderer.layout(1, 1024, stains, 0);
        assertTrue(nodes.size() <= StainRenderer.MAX_NODES, "at most " + StainRenderer.MAX_NODES + ": " + nodes.size());
        assertEquals(1024, nodes.stream().mapToInt(n -> n.neurons().size()).sum(), "every neuron in some node");
        for (StainRenderer.Node n : nodes) {
            String first = n.key();
            for (int j : n.neurons()) {
                NeuronStain st = stains.get(StainRenderer.key(1, j));
                assertEquals(first, st == null ? "none" : "c" + st.getClasses().get(0), "a bin holds one stain");
            }
        }
    }

    @Test
    void shouldMeasureSelectivityAsTheTopClassAgainstTheRest() {
        assertEquals(1.0, HeatmapRenderer.selectivity(new float[] {2f, 0f, 0f}), 1e-9, "only one class drives it");
        assertEquals(0.0, HeatmapRenderer.selectivity(new float[] {1f, 1f, 1f}), 1e-9, "every class alike");
        assertEquals(0.0, HeatmapRenderer.selectivity(new float[] {0f, 0f}), 1e-9, "a dead neuron");
        assertEquals((3 - 1.5) / (3 + 1.5), HeatmapRenderer.selectivity(new float[] {1f, 3f, 2f}), 1e-6);
    }

    @Test
    void shouldDrawAHeatmapCellPerNeuronAndEpochAndBinWideLayers() {
        int epochs = 5;
        for (int width : new int[] {6, 1024}) {
            float[][] act = new float[epochs][width];
            float[][][] means = new float[epochs][width][];
            float[][] change = new float[epochs][width];
            for (int e = 0; e < epochs; e++) {
                for (int n = 0; n < width; n++) {
                    act[e][n] = e * 0.1f + n;
                    means[e][n] = new float[] {n % 2 == 0 ? 1f : 0f, n % 2 == 0 ? 0f : 1f};
                    change[e][n] = e == 0 ? Float.NaN : 0.01f * n;
                }
            }
            HeatmapRenderer.Data d = HeatmapRenderer.of("r", "hidden_1", new int[] {0, 1, 2, 3, 4}, act, means, change,
                    List.of(EVIL, "b"));
            int[] size = HeatmapRenderer.size(d);
            SvgCanvas c = new SvgCanvas(size[0], size[1], Palette.BACKGROUND);
            HeatmapRenderer.draw(c, d);
            String doc = c.toSvg();
            int rows = Math.min(width, HeatmapRenderer.MAX_ROWS);
            // three panels of rows × epochs cells, one class strip cell per row, 3 × 30 colour bar steps, 2 outlines
            int cells = 3 * rows * epochs + rows + 90;
            assertTrue(count(doc, "<rect") >= cells, width + " neurons: " + count(doc, "<rect") + " < " + cells);
            assertTrue(count(doc, "<rect") < cells + 20, width + " neurons: no more than the binned rows");
            assertFalse(doc.contains("<script"), "class names escaped");
            assertEquals(1, d.preferred()[1]);
            assertEquals(0, d.preferred()[0]);
        }
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
