package io.nnstain.viz.render;

import io.nnstain.viz.render.Canvas.Anchor;
import io.nnstain.viz.render.Canvas.Style;
import java.util.Locale;

/** A rectangular plot area with linear axes: ticks, grid, labels, and lines in data coordinates. */
final class Plot {

    final Canvas canvas;
    final double x;
    final double y;
    final double w;
    final double h;
    final double xMin;
    final double xMax;
    final double yMin;
    final double yMax;

    Plot(Canvas canvas, double x, double y, double w, double h, double xMin, double xMax, double yMin, double yMax) {
        this.canvas = canvas;
        this.x = x;
        this.y = y;
        this.w = w;
        this.h = h;
        this.xMin = xMin;
        this.xMax = xMax == xMin ? xMin + 1 : xMax;
        this.yMin = yMin;
        this.yMax = yMax == yMin ? yMin + 1 : yMax;
    }

    double px(double v) {
        return x + (v - xMin) / (xMax - xMin) * w;
    }

    double py(double v) {
        return y + h - (v - yMin) / (yMax - yMin) * h;
    }

    void axes(String title, String xLabel, String yLabel) {
        canvas.text(x, y - 10, title, 13, Anchor.START, Palette.INK, true);
        for (int i = 0; i <= 4; i++) {
            double v = yMin + (yMax - yMin) * i / 4;
            canvas.line(x, py(v), x + w, py(v), Style.stroke(Palette.GRID, 0.7));
            canvas.text(x - 6, py(v) + 4, format(v), 10, Anchor.END, Palette.MUTED, false);
        }
        for (int i = 0; i <= 5; i++) {
            double v = xMin + (xMax - xMin) * i / 5;
            canvas.line(px(v), y + h, px(v), y + h + 4, Style.stroke(Palette.MUTED, 0.8));
            canvas.text(px(v), y + h + 16, format(v), 10, Anchor.MIDDLE, Palette.MUTED, false);
        }
        canvas.rect(x, y, w, h, Style.stroke(Palette.MUTED, 0.8));
        canvas.text(x + w / 2, y + h + 32, xLabel, 11, Anchor.MIDDLE, Palette.INK, false);
        if (!yLabel.isEmpty()) {
            canvas.text(x + w, y - 10, yLabel, 11, Anchor.END, Palette.MUTED, false);
        }
    }

    void line(double[] xs, double[] ys, String colour, double width) {
        double[] px = new double[xs.length];
        double[] py = new double[ys.length];
        for (int i = 0; i < xs.length; i++) {
            px[i] = px(xs[i]);
            py[i] = Double.isNaN(ys[i]) ? Double.NaN : py(ys[i]);
        }
        canvas.polyline(px, py, Style.stroke(colour, width));
    }

    static String format(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9 && Math.abs(v) < 1e6) {
            return String.valueOf((long) Math.rint(v));
        }
        return String.format(Locale.ROOT, Math.abs(v) < 0.01 ? "%.1e" : "%.2f", v);
    }
}
