package io.nnstain.viz.render;

import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.NeuronStain;
import io.nnstain.schemas.avro.StructureEdge;
import io.nnstain.schemas.avro.StructureSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a made-up digits-sized stain a few times before the service reports ready: measured cold, the first
 * stains of a run took seconds to reach the page while the JIT compiled the renderer.
 */
public final class Warmup {

    private Warmup() {
    }

    /** Draws up to {@code rounds} stains, stopping early at {@code deadline} ({@link System#nanoTime()}). */
    public static void run(int rounds, long deadline) {
        int[] widths = {64, 64, 128, 64, 10};
        List<String> names = List.of("input", "hidden_1", "hidden_2", "hidden_3", "output");
        List<String> classNames = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            classNames.add(String.valueOf(c));
        }
        StainRenderer.Network net = new StainRenderer.Network(names, widths, classNames);
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < rounds && (i == 0 || System.nanoTime() < deadline); i++) {
            // as a stain request reads it: the analyzer's JSON back into a snapshot
            StructureSnapshot s = io.nnstain.schemas.serde.AvroJson.read(
                    io.nnstain.schemas.serde.AvroJson.toJson(snapshot(widths, rnd)), StructureSnapshot.class);
            SvgCanvas svg = new SvgCanvas(StainRenderer.width(widths.length), StainRenderer.height(), Palette.BACKGROUND);
            StainRenderer.draw(svg, s, net);
            // SVG only: the live page draws SVG; a PNG (Java2D's start, ~2 s of a start on two cores) is drawn
            // for the results at a run's end, where a second does not show
            svg.toSvg();
        }
    }

    private static StructureSnapshot snapshot(int[] widths, SplittableRandom rnd) {
        List<ClassStructure> classes = new ArrayList<>();
        List<NeuronStain> stains = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            List<StructureEdge> edges = new ArrayList<>();
            for (int l = 0; l < widths.length - 1; l++) {
                for (int e = 0; e < 30; e++) {
                    edges.add(new StructureEdge(l, rnd.nextInt(widths[l]), l + 1 == widths.length - 1 ? c
                            : rnd.nextInt(widths[l + 1]), (float) rnd.nextDouble()));
                }
            }
            classes.add(ClassStructure.newBuilder().setClassIndex(c).setClassName(String.valueOf(c))
                    .setLayers(List.of()).setEdges(edges).build());
        }
        for (int l = 0; l < widths.length; l++) {
            for (int j = 0; j < widths[l]; j += 2) {
                stains.add(new NeuronStain(l, j, j % 7 == 0 ? List.of(j % 10, (j + 1) % 10) : List.of(j % 10), j % 10,
                        (float) rnd.nextDouble()));
            }
        }
        return StructureSnapshot.newBuilder().setRunId("warm-up").setEpoch(0).setRule("z-plus").setCoverage(0.8)
                .setMaxFraction(0.1).setClasses(classes).setStains(stains).setAnalysedAtMs(0).build();
    }
}
