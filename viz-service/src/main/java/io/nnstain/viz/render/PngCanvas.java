package io.nnstain.viz.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A {@link Canvas} that paints a PNG with Java2D (headless). Where the machine has no fonts for Java2D, text is
 * left out and everything else still drawn.
 */
public final class PngCanvas implements Canvas {

    static {
        // no display on a server, and none needed
        System.setProperty("java.awt.headless", "true");
    }

    private final int width;
    private final int height;
    private final BufferedImage image;
    private final Graphics2D g;
    private boolean fontsMissing;

    public PngCanvas(int width, int height, String background) {
        this.width = width;
        this.height = height;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        this.g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
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
        draw(new Rectangle2D.Double(x, y, w, h), s);
    }

    @Override
    public void circle(double cx, double cy, double r, Style s) {
        draw(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r), s);
    }

    @Override
    public void wedge(double cx, double cy, double r, double start, double extent, Style s) {
        draw(new Arc2D.Double(cx - r, cy - r, 2 * r, 2 * r, start, extent, Arc2D.PIE), s);
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Style s) {
        draw(new Line2D.Double(x1, y1, x2, y2), new Style(null, s.stroke(), s.strokeWidth(), s.opacity()));
    }

    @Override
    public void polyline(double[] xs, double[] ys, Style s) {
        Path2D.Double p = new Path2D.Double();
        boolean started = false;
        for (int i = 0; i < xs.length; i++) {
            if (Double.isNaN(ys[i])) {
                continue;
            }
            if (started) {
                p.lineTo(xs[i], ys[i]);
            } else {
                p.moveTo(xs[i], ys[i]);
                started = true;
            }
        }
        draw(p, new Style(null, s.stroke(), s.strokeWidth(), s.opacity()));
    }

    @Override
    public void text(double x, double y, String text, double size, Anchor anchor, String colour, boolean bold) {
        if (fontsMissing) {
            return;
        }
        try {
            g.setFont(new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, (int) Math.round(size)));
            FontMetrics m = g.getFontMetrics();
            double w = m.stringWidth(text);
            double dx = anchor == Anchor.START ? 0 : anchor == Anchor.MIDDLE ? -w / 2 : -w;
            g.setColor(color(colour, 1));
            g.drawString(text, (float) (x + dx), (float) y);
        } catch (RuntimeException | Error e) {
            // a JDK without fonts (no fontconfig): the picture is still worth having without its labels
            fontsMissing = true;
        }
    }

    @Override
    public void beginGroup(String cssClass, Map<String, String> data, String title) {
        // a raster image has no groups
    }

    @Override
    public void endGroup() {
        // a raster image has no groups
    }

    public byte[] toPng() {
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void draw(java.awt.Shape shape, Style s) {
        if (s.fill() != null) {
            g.setColor(color(s.fill(), s.opacity()));
            g.fill(shape);
        }
        if (s.stroke() != null && s.strokeWidth() > 0) {
            g.setColor(color(s.stroke(), s.opacity()));
            g.setStroke(new BasicStroke((float) s.strokeWidth(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(shape);
        }
    }

    static Color color(String hex, double opacity) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        return new Color((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, (int) Math.round(opacity * 255));
    }
}
