package io.nnstain.viz.render;

/**
 * Class colours that stay apart for colour-blind readers: the Okabe–Ito palette (8), then Paul Tol's wine and
 * teal; beyond ten classes the colours repeat and the legend's names tell classes apart.
 */
public final class Palette {

    static final String[] CLASSES = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
        "#000000", "#882255", "#44AA99"};
    public static final String BACKGROUND = "#ffffff";
    public static final String INK = "#222222";
    public static final String MUTED = "#9a9a9a";
    public static final String UNSTAINED = "#e4e4e4";
    public static final String GRID = "#dddddd";

    private Palette() {
    }

    public static String classColour(int c) {
        return CLASSES[Math.floorMod(c, CLASSES.length)];
    }

    /** The class colour mixed with the unstained grey: selectivity 1 = full colour, 0 = grey (saturation). */
    public static String saturate(String colour, double amount) {
        double a = Math.max(0, Math.min(1, amount));
        int c = Integer.parseInt(colour.substring(1), 16);
        int g = Integer.parseInt(UNSTAINED.substring(1), 16);
        int r = mix((c >> 16) & 0xff, (g >> 16) & 0xff, a);
        int gr = mix((c >> 8) & 0xff, (g >> 8) & 0xff, a);
        int b = mix(c & 0xff, g & 0xff, a);
        return String.format("#%02x%02x%02x", r, gr, b);
    }

    private static int mix(int c, int g, double a) {
        return (int) Math.round(g + (c - g) * a);
    }

    /** Viridis-like sequential scale (perceptually ordered, colour-blind safe), t in [0, 1]. */
    public static String sequential(double t) {
        String[] stops = {"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"};
        if (Double.isNaN(t)) {
            return "#f4f4f4";
        }
        double x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) Math.floor(x));
        double f = x - i;
        int a = Integer.parseInt(stops[i].substring(1), 16);
        int b = Integer.parseInt(stops[i + 1].substring(1), 16);
        return String.format("#%02x%02x%02x", lerp((a >> 16) & 0xff, (b >> 16) & 0xff, f),
                lerp((a >> 8) & 0xff, (b >> 8) & 0xff, f), lerp(a & 0xff, b & 0xff, f));
    }

    private static int lerp(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }

    /** Diverging blue–white–red scale for signed values, t in [-1, 1]. */
    public static String diverging(double t) {
        if (Double.isNaN(t)) {
            return "#f4f4f4";
        }
        double x = Math.max(-1, Math.min(1, t));
        int w = 0xf7;
        if (x < 0) {
            return String.format("#%02x%02x%02x", lerp(w, 0x21, -x), lerp(w, 0x66, -x), lerp(w, 0xac, -x));
        }
        return String.format("#%02x%02x%02x", lerp(w, 0xb2, x), lerp(w, 0x18, x), lerp(w, 0x2b, x));
    }
}
