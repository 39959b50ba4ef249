package io.nnstain.viz.render;

import java.util.Locale;
import java.util.Map;

/** A {@link Canvas} that writes an SVG document; every text and attribute value is escaped. */
public final class SvgCanvas implements Canvas {

    private final int width;
    private final int height;
    private final StringBuilder body = new StringBuilder(1 << 16);

    public SvgCanvas(int width, int height, String background) {
        this.width = width;
        this.height = height;
        if (background != null) {
            rect(0, 0, width, height, Style.fill(background));
        }
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public void rect(double x, double y, double w, double h, Style s) {
        body.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append('"').append(style(s)).append("/>\n");
    }

    @Override
    public void circle(double cx, double cy, double r, Style s) {
        body.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy)).append("\" r=\"").append(n(r))
                .append('"').append(style(s)).append("/>\n");
    }

    @Override
    public void wedge(double cx, double cy, double r, double start, double extent, Style s) {
        if (extent >= 359.999) {
            circle(cx, cy, r, s);
            return;
        }
        double a0 = Math.toRadians(start);
        double a1 = Math.toRadians(start + extent);
        // SVG's y axis points down: counter-clockwise on screen is a negative sine
        double x0 = cx + r * Math.cos(a0);
        double y0 = cy - r * Math.sin(a0);
        double x1 = cx + r * Math.cos(a1);
        double y1 = cy - r * Math.sin(a1);
        body.append("<path d=\"M").append(n(cx)).append(' ').append(n(cy)).append(" L").append(n(x0)).append(' ')
                .append(n(y0)).append(" A").append(n(r)).append(' ').append(n(r)).append(" 0 ")
                .append(extent > 180 ? 1 : 0).append(" 0 ").append(n(x1)).append(' ').append(n(y1)).append(" Z\"")
                .append(style(s)).append("/>\n");
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Style s) {
        body.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append('"').append(style(s)).append("/>\n");
    }

    @Override
    public void polyline(double[] xs, double[] ys, Style s) {
        body.append("<polyline points=\"");
        for (int i = 0; i < xs.length; i++) {
            if (Double.isNaN(ys[i])) {
                continue;
            }
            body.append(n(xs[i])).append(',').append(n(ys[i])).append(' ');
        }
        body.append('"').append(style(new Style(null, s.stroke(), s.strokeWidth(), s.opacity()))).append("/>\n");
    }

    @Override
    public void text(double x, double y, String text, double size, Anchor anchor, String colour, boolean bold) {
        body.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" font-size=\"").append(n(size))
                .append("\" font-family=\"sans-serif\" fill=\"").append(escape(colour)).append('"');
        if (anchor != Anchor.START) {
            body.append(" text-anchor=\"").append(anchor == Anchor.MIDDLE ? "middle" : "end").append('"');
        }
        if (bold) {
            body.append(" font-weight=\"bold\"");
        }
        body.append('>').append(escape(text)).append("</text>\n");
    }

    @Override
    public void beginGroup(String cssClass, Map<String, String> data, String title) {
        body.append("<g class=\"").append(escape(cssClass)).append('"');
        for (Map.Entry<String, String> e : data.entrySet()) {
            body.append(" data-").append(escape(e.getKey())).append("=\"").append(escape(e.getValue())).append('"');
        }
        body.append('>');
        if (title != null) {
            body.append("<title>").append(escape(title)).append("</title>");
        }
        body.append('\n');
    }

    @Override
    public void endGroup() {
        body.append("</g>\n");
    }

    /** The whole document. */
    public String toSvg() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
                + "\" viewBox=\"0 0 " + width + " " + height + "\">\n" + body + "</svg>\n";
    }

    private static String style(Style s) {
        StringBuilder b = new StringBuilder();
        b.append(" fill=\"").append(s.fill() == null ? "none" : escape(s.fill())).append('"');
        if (s.stroke() != null) {
            b.append(" stroke=\"").append(escape(s.stroke())).append("\" stroke-width=\"").append(n(s.strokeWidth()))
                    .append('"');
        }
        if (s.opacity() < 1) {
            b.append(" opacity=\"").append(n(s.opacity())).append('"');
        }
        return b.toString();
    }

    /** Two decimals, no locale: the same data always gives the same bytes. */
    static String n(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        if (s.endsWith(".00")) {
            s = s.substring(0, s.length() - 3);
        } else if (s.endsWith("0")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.equals("-0") ? "0" : s;
    }

    /** XML text and attribute escaping. */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append(' '); // not allowed in XML 1.0
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
