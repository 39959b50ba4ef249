package io.nnstain.viz.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.nnstain.viz.render.Canvas.Anchor;
import io.nnstain.viz.render.Canvas.Style;
import java.util.Locale;

/**
 * Emergence, per class: overlap of the structure with the final one over epochs, with the settling epoch
 * marked, and the entropy of relevance (mean over hidden layers), which falls as order appears.
 */
public final class EmergenceRenderer {

    public static final int WIDTH = 1000;
    public static final int HEIGHT = 460;

    private EmergenceRenderer() {
    }

    /** @param emergence the analyzer's emergence JSON (GET /runs/{run}/emergence) */
    public static void draw(Canvas canvas, JsonNode emergence) {
        canvas.text(20, 26, "Emergence of the structures of " + emergence.path("run_id").asText(), 16, Anchor.START,
                Palette.INK, true);
        canvas.text(20, 46, String.format(Locale.ROOT, "settled: overlap with the final structure stays ≥ %.1f from"
                + " then on; median settling epoch E_%s", emergence.path("settled_overlap").asDouble(),
                Plot.format(emergence.path("median_settling_epoch").asDouble())), 12, Anchor.START, Palette.MUTED, false);
        JsonNode classes = emergence.path("classes");
        JsonNode epochs0 = classes.get(0).path("epochs");
        double first = epochs0.get(0).asDouble();
        double last = epochs0.get(epochs0.size() - 1).asDouble();
        Plot overlap = new Plot(canvas, 70, 80, 380, 280, first, last, 0, 1);
        overlap.axes("overlap with the final structure (Jaccard)", "epoch", "");
        Plot entropy = new Plot(canvas, 560, 80, 380, 280, first, last, 0, 1);
        entropy.axes("entropy of relevance, hidden layers (normalised)", "epoch", "");
        for (JsonNode c : classes) {
            int ci = c.path("class_index").asInt();
            String colour = Palette.classColour(ci);
            double[] x = values(c.path("epochs"));
            double[] j = values(c.path("jaccard_final"));
            overlap.line(x, j, colour, 1.6);
            double settle = c.path("settling_epoch").asDouble();
            int at = indexOf(x, settle);
            canvas.line(overlap.px(settle), overlap.py(0), overlap.px(settle), overlap.py(j[at]),
                    Style.stroke(colour, 0.8).withOpacity(0.6));
            canvas.circle(overlap.px(settle), overlap.py(j[at]), 3.5, Style.fill(colour).withStroke("#ffffff", 0.8));
            double[] h = new double[x.length];
            int hidden = 0;
            var fields = c.path("entropy").fieldNames();
            java.util.List<String> layers = new java.util.ArrayList<>();
            fields.forEachRemaining(layers::add);
            for (int l = 1; l < layers.size() - 1; l++) {
                double[] curve = values(c.path("entropy").path(layers.get(l)));
                for (int i = 0; i < h.length; i++) {
                    h[i] += curve[i];
                }
                hidden++;
            }
            for (int i = 0; i < h.length; i++) {
                h[i] = hidden == 0 ? Double.NaN : h[i] / hidden;
            }
            entropy.line(x, h, colour, 1.6);
        }
        double lx = 70;
        double ly = 420;
        for (JsonNode c : classes) {
            String name = c.path("class_name").asText();
            canvas.line(lx, ly - 4, lx + 16, ly - 4, Style.stroke(Palette.classColour(c.path("class_index").asInt()), 2));
            canvas.text(lx + 20, ly, name + " (E_" + c.path("settling_epoch").asInt() + ")", 11, Anchor.START,
                    Palette.INK, false);
            lx += 70 + 6 * Math.min(16, name.length());
            if (lx > WIDTH - 120) {
                lx = 70;
                ly += 18;
            }
        }
    }

    private static int indexOf(double[] xs, double v) {
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == v) {
                return i;
            }
        }
        return xs.length - 1;
    }

    static double[] values(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).isNull() ? Double.NaN : array.get(i).asDouble();
        }
        return out;
    }
}
