package io.nnstain.viz.render;

import io.nnstain.viz.render.Canvas.Anchor;
import io.nnstain.viz.render.Canvas.Style;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Neuron × epoch heatmaps of one layer: mean activation, class selectivity and weight change, side by side.
 * Rows are the layer's neurons ordered by the class they prefer at the last epoch (then by selectivity), so
 * class-selective groups show as bands; a strip on the left gives that class's colour. Layers with more than
 * {@link #MAX_ROWS} neurons, and runs with more than {@link #MAX_COLUMNS} epochs, are drawn as means of
 * consecutive rows or columns.
 */
public final class HeatmapRenderer {

    static final int MAX_ROWS = 128;
    static final int MAX_COLUMNS = 120;
    private static final int PANEL_W = 300;
    private static final int PANEL_H = 384;
    private static final int TOP = 90;
    private static final int LEFT = 40;
    private static final int GAP = 40;

    /**
     * What is drawn, indexed [epoch][neuron].
     *
     * @param selectivity per epoch and neuron in [0, 1]: (top class mean − mean of the others) / (|top| + |others|)
     * @param preferred per neuron, the class with the highest mean at the last epoch
     */
    public record Data(String runId, String layer, int[] epochs, float[][] actMean, float[][] selectivity,
            float[][] weightChange, int[] preferred, List<String> classNames) {
    }

    private HeatmapRenderer() {
    }

    /**
     * Selectivity and preferred class from class means ([epoch][neuron][class]).
     *
     * @return the data to draw
     */
    public static Data of(String runId, String layer, int[] epochs, float[][] actMean, float[][][] classMeans,
            float[][] weightChange, List<String> classNames) {
        int width = actMean.length == 0 ? 0 : actMean[0].length;
        float[][] sel = new float[epochs.length][width];
        int[] preferred = new int[width];
        for (int e = 0; e < epochs.length; e++) {
            for (int n = 0; n < width; n++) {
                float[] m = classMeans[e][n];
                sel[e][n] = m == null ? Float.NaN : (float) selectivity(m);
                if (e == epochs.length - 1) {
                    preferred[n] = m == null ? -1 : argmax(m);
                }
            }
        }
        return new Data(runId, layer, epochs, actMean, sel, weightChange, preferred, classNames);
    }

    /** (top − mean of the rest) / (|top| + |mean of the rest|), 0 when both are 0; one class gives 0. */
    static double selectivity(float[] means) {
        if (means.length < 2) {
            return 0;
        }
        int top = argmax(means);
        double rest = 0;
        for (int c = 0; c < means.length; c++) {
            rest += c == top ? 0 : means[c];
        }
        rest /= means.length - 1;
        double denominator = Math.abs(means[top]) + Math.abs(rest);
        return denominator < 1e-12 ? 0 : (means[top] - rest) / denominator;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    public static int[] size(Data d) {
        return new int[] {LEFT + 3 * PANEL_W + 2 * GAP + 60, TOP + PANEL_H + 110};
    }

    public static void draw(Canvas canvas, Data d) {
        int width = d.preferred().length;
        canvas.text(20, 26, "Layer " + d.layer() + " of " + d.runId() + " over training", 16, Anchor.START,
                Palette.INK, true);
        canvas.text(20, 46, width + " neurons × " + d.epochs().length + " scanned epochs; rows ordered by the class"
                + " each neuron prefers at the last epoch", 12, Anchor.START, Palette.MUTED, false);
        if (width == 0 || d.epochs().length == 0) {
            canvas.text(20, 80, "nothing stored yet", 12, Anchor.START, Palette.MUTED, false);
            return;
        }
        Integer[] order = new Integer[width];
        for (int n = 0; n < width; n++) {
            order[n] = n;
        }
        float[] lastSel = d.selectivity()[d.epochs().length - 1];
        Arrays.sort(order, Comparator.<Integer>comparingInt(n -> d.preferred()[n] < 0 ? Integer.MAX_VALUE : d.preferred()[n])
                .thenComparingDouble(n -> Float.isNaN(lastSel[n]) ? 0 : -lastSel[n]).thenComparingInt(n -> n));
        List<int[]> rows = bins(width, MAX_ROWS);
        List<int[]> cols = bins(d.epochs().length, MAX_COLUMNS);
        String[] titles = {"mean activation", "class selectivity", "weight change ‖Δw‖ (since the last scan)"};
        float[][][] values = {d.actMean(), d.selectivity(), d.weightChange()};
        for (int p = 0; p < 3; p++) {
            double x = LEFT + p * (PANEL_W + GAP);
            double[][] grid = aggregate(values[p], order, rows, cols);
            double[] range = p == 1 ? new double[] {0, 1} : range(grid);
            canvas.text(x, TOP - 12, titles[p], 13, Anchor.START, Palette.INK, true);
            double cw = (double) PANEL_W / cols.size();
            double rh = (double) PANEL_H / rows.size();
            for (int r = 0; r < rows.size(); r++) {
                for (int c = 0; c < cols.size(); c++) {
                    double v = grid[r][c];
                    double t = Double.isNaN(v) ? Double.NaN : (v - range[0]) / Math.max(1e-12, range[1] - range[0]);
                    // a hair wider than the cell, so no background shows between cells in the PNG
                    canvas.rect(x + c * cw, TOP + r * rh, cw + 0.3, rh + 0.3, Style.fill(Palette.sequential(t)));
                }
            }
            canvas.rect(x, TOP, PANEL_W, PANEL_H, Style.stroke(Palette.MUTED, 0.8));
            int ticks = cols.size() <= 12 ? cols.size() - 1 : 4; // every column while they are few
            for (int i = 0; i <= ticks; i++) {
                int ci = ticks == 0 ? 0 : Math.min(cols.size() - 1, (int) Math.round(i * (cols.size() - 1) / (double) ticks));
                double cx = x + (ci + 0.5) * cw;
                canvas.line(cx, TOP + PANEL_H, cx, TOP + PANEL_H + 4, Style.stroke(Palette.MUTED, 0.8));
                canvas.text(cx, TOP + PANEL_H + 16, "E_" + d.epochs()[cols.get(ci)[0]], 10, Anchor.MIDDLE,
                        Palette.MUTED, false);
            }
            colourBar(canvas, x, TOP + PANEL_H + 34, range, p == 1 ? "" : Double.isNaN(range[0]) ? "no data" : "");
        }
        // the preferred class of each row, as a strip left of the first panel
        double rh = (double) PANEL_H / rows.size();
        for (int r = 0; r < rows.size(); r++) {
            int n = order[rows.get(r)[0]];
            int c = d.preferred()[n];
            canvas.rect(LEFT - 12, TOP + r * rh, 8, rh + 0.3, Style.fill(c < 0 ? Palette.UNSTAINED : Palette.classColour(c)));
        }
        canvas.text(LEFT - 14, TOP + PANEL_H + 16, "class", 10, Anchor.START, Palette.MUTED, false);
        double lx = 20;
        double ly = TOP + PANEL_H + 86;
        for (int c = 0; c < d.classNames().size(); c++) {
            String name = d.classNames().get(c);
            canvas.rect(lx, ly - 9, 10, 10, Style.fill(Palette.classColour(c)));
            canvas.text(lx + 14, ly, name, 11, Anchor.START, Palette.INK, false);
            lx += 30 + 6.5 * Math.min(name.length(), 24);
        }
        if (width > MAX_ROWS) {
            canvas.text(size(d)[0] - 20, 46, "each row: the mean of " + rows.get(0).length + " neurons", 11, Anchor.END,
                    Palette.MUTED, false);
        }
    }

    private static void colourBar(Canvas canvas, double x, double y, double[] range, String note) {
        int steps = 30;
        double w = 160.0 / steps;
        for (int i = 0; i < steps; i++) {
            canvas.rect(x + i * w, y, w + 0.3, 10, Style.fill(Palette.sequential((i + 0.5) / steps)));
        }
        canvas.text(x, y + 24, Double.isNaN(range[0]) ? "–" : format(range[0]), 10, Anchor.START, Palette.MUTED, false);
        canvas.text(x + 160, y + 24, Double.isNaN(range[1]) ? "–" : format(range[1]), 10, Anchor.END, Palette.MUTED, false);
        if (!note.isEmpty()) {
            canvas.text(x + 170, y + 9, note, 10, Anchor.START, Palette.MUTED, false);
        }
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 1 ? "%.2f" : "%.3f", v);
    }

    /** Consecutive index groups covering 0..n-1, at most {@code max} of them. */
    static List<int[]> bins(int n, int max) {
        int per = (int) Math.ceil((double) n / max);
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < n; start += per) {
            int[] b = new int[Math.min(per, n - start)];
            for (int i = 0; i < b.length; i++) {
                b[i] = start + i;
            }
            out.add(b);
        }
        return out;
    }

    /** Means over each (row bin, column bin), rows taken in {@code order}; NaN where nothing is known. */
    private static double[][] aggregate(float[][] v, Integer[] order, List<int[]> rows, List<int[]> cols) {
        double[][] out = new double[rows.size()][cols.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cols.size(); c++) {
                double sum = 0;
                int count = 0;
                for (int e : cols.get(c)) {
                    for (int i : rows.get(r)) {
                        float x = v[e][order[i]];
                        if (!Float.isNaN(x)) {
                            sum += x;
                            count++;
                        }
                    }
                }
                out[r][c] = count == 0 ? Double.NaN : sum / count;
            }
        }
        return out;
    }

    /** From the lowest value to the 99th percentile, so one outlier does not wash out the rest. */
    private static double[] range(double[][] grid) {
        List<Double> all = new ArrayList<>();
        for (double[] row : grid) {
            for (double v : row) {
                if (!Double.isNaN(v)) {
                    all.add(v);
                }
            }
        }
        if (all.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        all.sort(Double::compare);
        double hi = all.get((int) Math.floor(0.99 * (all.size() - 1)));
        return new double[] {all.get(0), hi <= all.get(0) ? all.get(all.size() - 1) : hi};
    }
}
