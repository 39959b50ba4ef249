package io.nnstain.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run's run.json (its RunStarted) says, typed for readers of the trace: topology, class names, the
 * epoch plan and the held-out probe set.
 *
 * @param widths per layer, input first
 * @param probeFeatures (samples, input width), standardised as the network saw them
 */
public record StoredRun(String runId, String dataset, long seed, List<String> layerNames, int[] widths,
        List<String> activations, List<String> classNames, List<String> featureNames, List<Integer> scannedEpochs,
        float[][] probeFeatures, int[] probeLabels) {

    public int layerCount() {
        return widths.length;
    }

    public int classCount() {
        return classNames.size();
    }

    public int finalEpoch() {
        return scannedEpochs.get(scannedEpochs.size() - 1);
    }

    public int layerIndex(String name) {
        return layerNames.indexOf(name);
    }

    /** Reads run.json as the collector wrote it (the RunStarted record as plain JSON). */
    public static StoredRun of(JsonNode run) {
        List<String> names = new ArrayList<>();
        List<String> activations = new ArrayList<>();
        JsonNode layers = run.path("topology").path("layers");
        int[] widths = new int[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            JsonNode layer = layers.get(l);
            names.add(layer.path("name").asText());
            activations.add(layer.path("activation").asText());
            widths[l] = layer.path("width").asInt();
        }
        JsonNode probe = run.path("probe_set");
        JsonNode features = probe.path("features");
        float[][] x = new float[features.size()][];
        for (int i = 0; i < x.length; i++) {
            JsonNode row = features.get(i);
            x[i] = new float[row.size()];
            for (int j = 0; j < row.size(); j++) {
                x[i][j] = (float) row.get(j).asDouble();
            }
        }
        JsonNode labels = probe.path("labels");
        int[] y = new int[labels.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.get(i).asInt();
        }
        return new StoredRun(run.path("run_id").asText(), run.path("config").path("dataset").asText(),
                run.path("config").path("seed").asLong(), List.copyOf(names), widths, List.copyOf(activations),
                texts(run.path("topology").path("class_names")), texts(run.path("topology").path("feature_names")),
                ints(run.path("scanned_epochs")), x, y);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return List.copyOf(out);
    }
}
