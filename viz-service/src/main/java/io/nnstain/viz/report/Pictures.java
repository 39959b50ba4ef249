package io.nnstain.viz.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.store.StoredRun;
import io.nnstain.store.TracedNetwork;
import io.nnstain.viz.render.Canvas;
import io.nnstain.viz.render.CurvesRenderer;
import io.nnstain.viz.render.CurvesRenderer.EpochFigures;
import io.nnstain.viz.render.EmergenceRenderer;
import io.nnstain.viz.render.HeatmapRenderer;
import io.nnstain.viz.render.InputStainRenderer;
import io.nnstain.viz.render.Palette;
import io.nnstain.viz.render.PngCanvas;
import io.nnstain.viz.render.StainRenderer;
import io.nnstain.viz.render.SvgCanvas;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Every picture of a run, drawn once by the renderers and encoded as SVG or PNG. */
public final class Pictures {

    /** The encodings a picture is served and written in. */
    public enum Format {
        SVG("svg", "image/svg+xml"), PNG("png", "image/png");

        private final String extension;
        public final String mediaType;

        Format(String extension, String mediaType) {
            this.extension = extension;
            this.mediaType = mediaType;
        }

        public String extension() {
            return extension;
        }

        /** @throws IllegalArgumentException naming what is accepted */
        public static Format of(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return Arrays.stream(values()).filter(f -> f.extension.equals(t)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not a picture format; accepted: svg,"
                            + " png"));
        }
    }

    private Pictures() {
    }

    public static StainRenderer.Network network(StoredRun run) {
        return new StainRenderer.Network(run.layerNames(), run.widths(), run.classNames());
    }

    public static byte[] stain(StructureSnapshot s, StoredRun run, Format f) {
        int layers = run.widths().length;
        return render(StainRenderer.width(layers), StainRenderer.height(), f,
                c -> StainRenderer.draw(c, s, network(run)));
    }

    public static byte[] curves(StoredRun run, List<EpochFigures> figures, Format f) {
        return render(CurvesRenderer.WIDTH, CurvesRenderer.HEIGHT, f,
                c -> CurvesRenderer.draw(c, run.runId(), figures, run.classNames()));
    }

    public static byte[] emergence(JsonNode emergence, Format f) {
        return render(EmergenceRenderer.WIDTH, EmergenceRenderer.HEIGHT, f, c -> EmergenceRenderer.draw(c, emergence));
    }

    public static byte[] input(StructureSnapshot s, StoredRun run, TracedNetwork net, Format f) {
        int[] size = InputStainRenderer.size(run);
        return render(size[0], size[1], f, c -> InputStainRenderer.draw(c, s, run, net));
    }

    public static byte[] heatmaps(HeatmapRenderer.Data data, Format f) {
        int[] size = HeatmapRenderer.size(data);
        return render(size[0], size[1], f, c -> HeatmapRenderer.draw(c, data));
    }

    private static byte[] render(int width, int height, Format f, Consumer<Canvas> draw) {
        if (f == Format.SVG) {
            SvgCanvas c = new SvgCanvas(width, height, Palette.BACKGROUND);
            draw.accept(c);
            return c.toSvg().getBytes(StandardCharsets.UTF_8);
        }
        PngCanvas c = new PngCanvas(width, height, Palette.BACKGROUND);
        draw.accept(c);
        return c.toPng();
    }
}
