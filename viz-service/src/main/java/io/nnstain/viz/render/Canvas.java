package io.nnstain.viz.render;

import java.util.Map;

/**
 * What the renderers draw on: the same calls make an SVG document ({@link SvgCanvas}) or a PNG image
 * ({@link PngCanvas}), so the two formats never drift apart. Coordinates are pixels, origin top left.
 */
public interface Canvas {

    /** Fill and outline of a shape; null colour = none. Colours as {@code #rrggbb}. */
    record Style(String fill, String stroke, double strokeWidth, double opacity) {

        public static Style fill(String colour) {
            return new Style(colour, null, 0, 1);
        }

        public static Style stroke(String colour, double width) {
            return new Style(null, colour, width, 1);
        }

        public Style withOpacity(double o) {
            return new Style(fill, stroke, strokeWidth, o);
        }

        public Style withStroke(String colour, double width) {
            return new Style(fill, colour, width, opacity);
        }
    }

    enum Anchor { START, MIDDLE, END }

    int width();

    int height();

    void rect(double x, double y, double w, double h, Style style);

    void circle(double cx, double cy, double r, Style style);

    /** A pie slice, angles in degrees, 0 = 3 o'clock, counter-clockwise. */
    void wedge(double cx, double cy, double r, double startDegrees, double extentDegrees, Style style);

    void line(double x1, double y1, double x2, double y2, Style style);

    void polyline(double[] xs, double[] ys, Style style);

    void text(double x, double y, String text, double size, Anchor anchor, String colour, boolean bold);

    /**
     * Starts a group that interactive formats keep (SVG: {@code <g>} with a tooltip and data attributes);
     * others ignore it.
     */
    void beginGroup(String cssClass, Map<String, String> data, String title);

    void endGroup();
}
