package io.nnstain.viz.render;

import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.store.StoredRun;
import io.nnstain.store.TracedNetwork;
import io.nnstain.viz.render.Canvas.Anchor;
import io.nnstain.viz.render.Canvas.Style;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each class's evidence enters the network. Image data (features named {@code pixel_<row>_<col>}, as
 * digits): each class's input relevance as a picture. Two-dimensional data: the data with the decision regions
 * of the network rebuilt from the trace. Anything else: a features × classes table of input relevance.
 */
public final class InputStainRenderer {

    private static final Pattern PIXEL = Pattern.compile("pixel_(\\d+)_(\\d+)");
    private static final int CELL = 14;
    private static final int GRID = 80;

    public enum Kind { IMAGE, PLANE, TABLE }

    private InputStainRenderer() {
    }

    public static Kind kind(StoredRun run) {
        if (!run.featureNames().isEmpty() && run.featureNames().stream().allMatch(n -> PIXEL.matcher(n).matches())) {
            return Kind.IMAGE;
        }
        return run.widths()[0] == 2 ? Kind.PLANE : Kind.TABLE;
    }

    public static int[] size(StoredRun run) {
        return switch (kind(run)) {
            case IMAGE -> {
                int[] grid = grid(run.featureNames());
                int tiles = Math.min(5, run.classCount());
                int rows = (run.classCount() + 4) / 5;
                yield new int[] {Math.max(520, 40 + tiles * (grid[1] * CELL + 30)), 90 + rows * (grid[0] * CELL + 40) + 40};
            }
            case PLANE -> new int[] {620, 640};
            case TABLE -> new int[] {Math.max(520, 200 + run.classCount() * 60), 110 + Math.min(64, run.widths()[0]) * 14};
        };
    }

    public static void draw(Canvas canvas, StructureSnapshot s, StoredRun run, TracedNetwork net) {
        canvas.text(20, 26, "Input stains of " + run.runId() + " at E_" + s.getEpoch(), 16, Anchor.START, Palette.INK, true);
        switch (kind(run)) {
            case IMAGE -> images(canvas, s, run);
            case PLANE -> plane(canvas, run, net);
            case TABLE -> table(canvas, s, run);
        }
    }

    private static void images(Canvas canvas, StructureSnapshot s, StoredRun run) {
        canvas.text(20, 46, "each class's input relevance (darker = less, yellow = most)", 12, Anchor.START,
                Palette.MUTED, false);
        int[] grid = grid(run.featureNames());
        int tileW = grid[1] * CELL;
        int tileH = grid[0] * CELL;
        for (ClassStructure cs : s.getClasses()) {
            int c = cs.getClassIndex();
            double x0 = 20 + (c % 5) * (tileW + 30);
            double y0 = 80 + (c / 5) * (tileH + 40);
            List<Float> rel = cs.getLayers().get(0).getRelevance();
            double max = rel.stream().mapToDouble(Float::doubleValue).max().orElse(1);
            canvas.beginGroup("input-stain", java.util.Map.of("class", String.valueOf(c)), null);
            for (int f = 0; f < rel.size(); f++) {
                Matcher m = PIXEL.matcher(run.featureNames().get(f));
                if (!m.matches()) {
                    continue;
                }
                int r = Integer.parseInt(m.group(1));
                int col = Integer.parseInt(m.group(2));
                canvas.rect(x0 + col * CELL, y0 + r * CELL, CELL, CELL,
                        Style.fill(Palette.sequential(max <= 0 ? 0 : rel.get(f) / max)));
            }
            canvas.endGroup();
            canvas.rect(x0, y0, tileW, tileH, Style.stroke(Palette.classColour(c), 2));
            canvas.text(x0 + tileW / 2.0, y0 + tileH + 16, run.classNames().get(c), 12, Anchor.MIDDLE, Palette.INK, true);
        }
    }

    private static void plane(Canvas canvas, StoredRun run, TracedNetwork net) {
        canvas.text(20, 46, "the probe set over the decision regions of the network rebuilt from the trace", 12,
                Anchor.START, Palette.MUTED, false);
        float[][] x = run.probeFeatures();
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (float[] p : x) {
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        double padX = 0.1 * (maxX - minX + 1e-9);
        double padY = 0.1 * (maxY - minY + 1e-9);
        Plot plot = new Plot(canvas, 60, 70, 520, 520, minX - padX, maxX + padX, minY - padY, maxY + padY);
        double cw = plot.w / GRID;
        double ch = plot.h / GRID;
        for (int i = 0; i < GRID; i++) {
            for (int j = 0; j < GRID; j++) {
                double fx = plot.xMin + (i + 0.5) * (plot.xMax - plot.xMin) / GRID;
                double fy = plot.yMin + (j + 0.5) * (plot.yMax - plot.yMin) / GRID;
                int c = net.predict(new float[] {(float) fx, (float) fy}, null);
                canvas.rect(plot.x + i * cw, plot.y + plot.h - (j + 1) * ch, cw + 0.3, ch + 0.3,
                        Style.fill(Palette.saturate(Palette.classColour(c), 0.28)));
            }
        }
        plot.axes("", run.featureNames().isEmpty() ? "x" : run.featureNames().get(0) + " (standardised)", "");
        for (int i = 0; i < x.length; i++) {
            canvas.circle(plot.px(x[i][0]), plot.py(x[i][1]), 3.2,
                    Style.fill(Palette.classColour(run.probeLabels()[i])).withStroke("#ffffff", 0.7));
        }
        double lx = 60;
        for (int c = 0; c < run.classCount(); c++) {
            canvas.circle(lx + 5, 622, 5, Style.fill(Palette.classColour(c)));
            canvas.text(lx + 14, 626, run.classNames().get(c), 11, Anchor.START, Palette.INK, false);
            lx += 30 + 7 * Math.min(16, run.classNames().get(c).length());
        }
    }

    private static void table(Canvas canvas, StructureSnapshot s, StoredRun run) {
        canvas.text(20, 46, "input relevance per feature and class (share of the class's relevance)", 12, Anchor.START,
                Palette.MUTED, false);
        int features = Math.min(64, run.widths()[0]);
        double x0 = 190;
        double y0 = 90;
        for (ClassStructure cs : s.getClasses()) {
            int c = cs.getClassIndex();
            canvas.text(x0 + c * 60 + 28, y0 - 10, run.classNames().get(c), 11, Anchor.MIDDLE, Palette.INK, true);
            List<Float> rel = cs.getLayers().get(0).getRelevance();
            double max = rel.stream().mapToDouble(Float::doubleValue).max().orElse(1);
            for (int f = 0; f < features; f++) {
                canvas.rect(x0 + c * 60, y0 + f * 14, 56, 13, Style.fill(Palette.sequential(max <= 0 ? 0 : rel.get(f) / max)));
            }
        }
        for (int f = 0; f < features; f++) {
            String name = f < run.featureNames().size() ? run.featureNames().get(f) : "feature " + f;
            canvas.text(x0 - 6, y0 + f * 14 + 10, name.length() > 26 ? name.substring(0, 25) + "…" : name, 10,
                    Anchor.END, Palette.INK, false);
        }
    }

    static int[] grid(List<String> names) {
        int rows = 0;
        int cols = 0;
        for (String n : names) {
            Matcher m = PIXEL.matcher(n);
            if (m.matches()) {
                rows = Math.max(rows, Integer.parseInt(m.group(1)) + 1);
                cols = Math.max(cols, Integer.parseInt(m.group(2)) + 1);
            }
        }
        return new int[] {rows, cols};
    }
}
