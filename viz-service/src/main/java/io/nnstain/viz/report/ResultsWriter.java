package io.nnstain.viz.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.store.StoredRun;
import io.nnstain.store.TracedNetwork;
import io.nnstain.viz.render.CurvesRenderer.EpochFigures;
import io.nnstain.viz.report.Pictures.Format;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One run's results/ folder: the final stain, emergence, training curves, input stains and each hidden layer's
 * heatmaps, each as SVG and PNG, and an index.html that shows them without any server (the stain inline, no
 * script). Every file is written to a staging name and renamed; index.html comes last, so its presence means
 * the pictures it shows are there. Every label from the data is escaped.
 */
final class ResultsWriter {

    private final RunData data;
    private final StoredRun run;

    ResultsWriter(RunData data, StoredRun run) {
        this.data = data;
        this.run = run;
    }

    Path write(Path dir) {
        String id = run.runId();
        int last = run.finalEpoch();
        StructureSnapshot s = data.structures(id, last).orElseThrow();
        Optional<JsonNode> emergence = data.emergence(id);
        Optional<JsonNode> verification = data.verification(id);
        List<EpochFigures> figures = data.figures(run);
        try {
            Files.createDirectories(dir);
            TracedNetwork network = data.network(run, last);
            byte[] stainSvg = null;
            for (Format f : Format.values()) {
                byte[] stain = Pictures.stain(s, run, f);
                put(dir, "stain." + f.extension(), stain);
                if (f == Format.SVG) {
                    stainSvg = stain; // shown inline by index.html too
                }
                if (emergence.isPresent()) {
                    put(dir, "emergence." + f.extension(), Pictures.emergence(emergence.get(), f));
                }
                if (!figures.isEmpty()) {
                    put(dir, "curves." + f.extension(), Pictures.curves(run, figures, f));
                }
                put(dir, "input-stains." + f.extension(), Pictures.input(s, run, network, f));
            }
            List<String> hidden = run.layerNames().subList(1, run.layerCount() - 1);
            for (String layer : hidden) {
                var heat = data.heatmaps(run, layer);
                for (Format f : Format.values()) {
                    put(dir, "heatmaps-" + layer + "." + f.extension(), Pictures.heatmaps(heat, f));
                }
            }
            put(dir, "index.html", index(s, new String(stainSvg, StandardCharsets.UTF_8), emergence, verification,
                    !figures.isEmpty(), hidden)
                    .getBytes(StandardCharsets.UTF_8));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the results of run " + id + " to " + dir, e);
        }
    }

    private String index(StructureSnapshot s, String stainSvg, Optional<JsonNode> emergence,
            Optional<JsonNode> verification, boolean curves, List<String> hidden) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>nn-staining — ")
                .append(h(run.runId())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}")
                .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ddd;padding:4px 8px;")
                .append("text-align:right}th{background:#f4f4f4}td.name{text-align:left}.muted{color:#777}")
                .append("img,svg{max-width:100%;height:auto}figure{margin:0 0 24px}\n</style>\n</head>\n<body>\n");
        b.append("<h1>").append(h(run.runId())).append("</h1>\n<p class=\"muted\">data set ").append(h(run.dataset()))
                .append(", layers ").append(h(String.join(" → ", widths()))).append(", final epoch E_")
                .append(s.getEpoch()).append(String.format(Locale.ROOT, "; structures: rule %s, coverage %.2f,"
                        + " at most %.0f%% of a layer", h(s.getRule()), s.getCoverage(), 100 * s.getMaxFraction()))
                .append("</p>\n");
        b.append("<h2>Stain at E_").append(s.getEpoch()).append("</h2>\n<div id=\"stain\">\n").append(stainSvg)
                .append("</div>\n<p><a href=\"stain.svg\">stain.svg</a> · <a href=\"stain.png\">stain.png</a></p>\n");
        b.append("<h2>Do the structures matter?</h2>\n");
        if (verification.isPresent()) {
            table(b, verification.get(), emergence);
        } else {
            b.append("<p class=\"muted\">The analyzer had not written its verification when this page was made.</p>\n");
        }
        figure(b, "Emergence", "emergence", emergence.isPresent(), "emergence of the structures");
        figure(b, "Training", "curves", curves, "training curves");
        figure(b, "Input stains", "input-stains", true, "input stains");
        for (String layer : hidden) {
            figure(b, "Layer " + layer + " over training", "heatmaps-" + layer, true, "heatmaps of " + layer);
        }
        b.append("<p class=\"muted\">Written by nn-staining's viz service from the stored trace and structures.</p>\n")
                .append("</body>\n</html>\n");
        return b.toString();
    }

    private static void figure(StringBuilder b, String title, String file, boolean present, String alt) {
        b.append("<h2>").append(h(title)).append("</h2>\n");
        if (!present) {
            b.append("<p class=\"muted\">Not available when this page was made.</p>\n");
            return;
        }
        b.append("<figure><img src=\"").append(h(file)).append(".svg\" alt=\"").append(h(alt))
                .append("\"><figcaption><a href=\"").append(h(file)).append(".svg\">").append(h(file))
                .append(".svg</a> · <a href=\"").append(h(file)).append(".png\">").append(h(file))
                .append(".png</a></figcaption></figure>\n");
    }

    private void table(StringBuilder b, JsonNode v, Optional<JsonNode> emergence) {
        b.append(String.format(Locale.ROOT, "<p>Each class's structure silenced at E_%d on the %d held-out probe"
                + " samples, against random sets of the same size (%d draws): accuracy drop on the class, and on the"
                + " other classes.</p>\n", v.path("epoch").asInt(), v.path("probe_samples").asInt(),
                v.path("random_draws").asInt()));
        b.append("<table>\n<tr><th>class</th><th>hidden neurons</th><th>settling epoch</th><th>class drop</th>"
                + "<th>others' drop</th><th>random: class drop</th><th>random: others' drop</th></tr>\n");
        for (JsonNode c : v.path("classes")) {
            b.append("<tr><td class=\"name\">").append(h(c.path("class_name").asText())).append("</td><td>")
                    .append(c.path("hidden_neurons").asInt()).append("</td><td>")
                    .append(settling(emergence, c.path("class_index").asInt())).append("</td><td>")
                    .append(num(c.path("class_drop"))).append("</td><td>").append(num(c.path("other_drop")))
                    .append("</td><td>").append(num(c.path("random_class_drop"))).append("</td><td>")
                    .append(num(c.path("random_other_drop"))).append("</td></tr>\n");
        }
        b.append("<tr><th class=\"name\">mean</th><th></th><th>")
                .append(emergence.map(e -> median(e.path("median_settling_epoch"))).orElse(""))
                .append("</th><th>").append(num(v.path("mean_class_drop"))).append("</th><th>")
                .append(num(v.path("mean_other_drop"))).append("</th><th>").append(num(v.path("mean_random_class_drop")))
                .append("</th><th>").append(num(v.path("mean_random_other_drop"))).append("</th></tr>\n</table>\n");
    }

    private static String settling(Optional<JsonNode> emergence, int c) {
        if (emergence.isEmpty()) {
            return "";
        }
        for (JsonNode n : emergence.get().path("classes")) {
            if (n.path("class_index").asInt() == c) {
                return n.path("settling_epoch").isNumber() ? "E_" + n.path("settling_epoch").asInt() : "–";
            }
        }
        return "";
    }

    private static String median(JsonNode n) {
        if (!n.isNumber()) {
            return "–";
        }
        double v = n.asDouble();
        return "E_" + (v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v)) + " (median)";
    }

    private List<String> widths() {
        List<String> out = new ArrayList<>();
        for (int w : run.widths()) {
            out.add(String.valueOf(w));
        }
        return out;
    }

    private static String num(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.3f", n.asDouble()) : "–";
    }

    private static String h(String text) {
        return io.nnstain.viz.render.SvgCanvas.escape(text);
    }

    private static void put(Path dir, String name, byte[] bytes) throws IOException {
        Path target = dir.resolve(name);
        Path staging = io.nnstain.store.TraceStore.stagingFor(target);
        try {
            Files.write(staging, bytes);
            io.nnstain.store.TraceStore.moveAtomically(staging, target);
        } finally {
            Files.deleteIfExists(staging);
        }
    }
}
