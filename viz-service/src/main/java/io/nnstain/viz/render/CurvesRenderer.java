package io.nnstain.viz.render;

import io.nnstain.viz.render.Canvas.Anchor;
import io.nnstain.viz.render.Canvas.Style;
import java.util.List;

/** Training curves: loss and accuracy per scanned epoch, training and validation, and per class. */
public final class CurvesRenderer {

    /** One scanned epoch's figures, as EpochSealed has them (train figures absent at E_0). */
    public record EpochFigures(int epoch, double trainLoss, double validationLoss, double trainAccuracy,
            double validationAccuracy, double[] validationClassAccuracy) {
    }

    public static final int WIDTH = 1000;
    public static final int HEIGHT = 420;

    private CurvesRenderer() {
    }

    public static void draw(Canvas canvas, String runId, List<EpochFigures> epochs, List<String> classNames) {
        canvas.text(20, 26, "Training of " + runId, 16, Anchor.START, Palette.INK, true);
        double[] x = epochs.stream().mapToDouble(EpochFigures::epoch).toArray();
        double maxLoss = 0;
        for (EpochFigures e : epochs) {
            maxLoss = Math.max(maxLoss, finite(e.trainLoss()));
            maxLoss = Math.max(maxLoss, finite(e.validationLoss()));
        }
        Plot loss = new Plot(canvas, 70, 70, 380, 260, x[0], x[x.length - 1], 0, maxLoss);
        loss.axes("loss", "epoch", "");
        loss.line(x, epochs.stream().mapToDouble(EpochFigures::trainLoss).toArray(), Palette.classColour(0), 2);
        loss.line(x, epochs.stream().mapToDouble(EpochFigures::validationLoss).toArray(), Palette.classColour(1), 2);
        Plot acc = new Plot(canvas, 560, 70, 380, 260, x[0], x[x.length - 1], 0, 1);
        acc.axes("accuracy (thin: validation per class)", "epoch", "");
        for (int c = 0; c < classNames.size(); c++) {
            int k = c;
            acc.line(x, epochs.stream().mapToDouble(e -> k < e.validationClassAccuracy().length
                    ? e.validationClassAccuracy()[k] : Double.NaN).toArray(), Palette.saturate(Palette.classColour(c), 0.6), 0.8);
        }
        acc.line(x, epochs.stream().mapToDouble(EpochFigures::trainAccuracy).toArray(), Palette.classColour(0), 2);
        acc.line(x, epochs.stream().mapToDouble(EpochFigures::validationAccuracy).toArray(), Palette.classColour(1), 2);
        double ly = 390;
        canvas.line(70, ly - 4, 94, ly - 4, Style.stroke(Palette.classColour(0), 2));
        canvas.text(100, ly, "training", 11, Anchor.START, Palette.INK, false);
        canvas.line(170, ly - 4, 194, ly - 4, Style.stroke(Palette.classColour(1), 2));
        canvas.text(200, ly, "validation", 11, Anchor.START, Palette.INK, false);
        double cx = 560;
        for (int c = 0; c < classNames.size() && c < 12; c++) {
            canvas.line(cx, ly - 4, cx + 14, ly - 4, Style.stroke(Palette.saturate(Palette.classColour(c), 0.6), 1.5));
            String name = classNames.get(c);
            canvas.text(cx + 17, ly, name, 10, Anchor.START, Palette.MUTED, false);
            cx += 26 + 6 * Math.min(12, name.length());
        }
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
