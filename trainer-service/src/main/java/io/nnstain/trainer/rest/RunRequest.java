package io.nnstain.trainer.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.nnstain.schemas.config.RunSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON body of {@code POST /runs}; every field is optional and defaults to the default run (moons).
 * {@code epoch_intervals} may be a number, a string ("5" or "1,5,10") or an array of epochs;
 * {@code hidden} an array of widths or a string "16,16".
 */
public record RunRequest(String dataset, JsonNode hidden, String activation, String optimizer,
        @JsonProperty("learning_rate") Double learningRate, @JsonProperty("batch_size") Integer batchSize,
        Integer epochs, Long seed, @JsonProperty("epoch_intervals") JsonNode epochIntervals,
        @JsonProperty("drop_batches") Boolean dropBatches,
        @JsonProperty("validation_fraction") Double validationFraction,
        @JsonProperty("probe_set_size") Integer probeSetSize, Integer samples, Integer classes, Integer features,
        Double noise) {

    public RunSpec toSpec() {
        RunSpec d = RunSpec.defaults();
        return new RunSpec(or(dataset, d.dataset()), hidden == null || hidden.isNull() ? d.hidden() : widths(hidden),
                or(activation, d.activation()), or(optimizer, d.optimizer()), or(learningRate, d.learningRate()),
                or(batchSize, d.batchSize()), or(epochs, d.epochs()), or(seed, d.seed()),
                epochIntervals == null || epochIntervals.isNull() ? d.epochIntervals() : intervals(epochIntervals),
                or(dropBatches, d.dropBatches()), or(validationFraction, d.validationFraction()),
                or(probeSetSize, d.probeSetSize()), or(samples, d.samples()), or(classes, d.classes()),
                or(features, d.features()), or(noise, d.noise()));
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private static List<Integer> widths(JsonNode node) {
        List<Integer> widths = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> widths.add(n.canConvertToInt() && n.isIntegralNumber() ? n.intValue() : -1));
        } else if (node.isIntegralNumber()) {
            widths.add(node.intValue());
        } else {
            for (String part : node.asText().split(",", -1)) {
                widths.add(parseWidth(part));
            }
        }
        return widths;
    }

    /** Parses one width of a comma-separated list; anything else becomes -1, which validation names. */
    public static int parseWidth(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String intervals(JsonNode node) {
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            node.forEach(n -> parts.add(n.asText()));
            return String.join(",", parts);
        }
        return node.asText();
    }
}
