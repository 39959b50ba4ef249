package io.nnstain.trainer.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.nnstain.schemas.config.InvalidRunSpecException;
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

    /** Widths as given; anything but whole numbers is refused with the text as it came. */
    private static List<Integer> widths(JsonNode node) {
        List<Integer> widths = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode n : node) {
                if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                    throw new InvalidRunSpecException(List.of(RunSpec.hiddenProblem(node.toString())));
                }
                widths.add(n.intValue());
            }
        } else if (node.isIntegralNumber() && node.canConvertToInt()) {
            widths.add(node.intValue());
        } else if (node.isTextual()) {
            widths.addAll(RunSpec.parseWidths(node.asText()));
        } else {
            throw new InvalidRunSpecException(List.of(RunSpec.hiddenProblem(node.toString())));
        }
        return widths;
    }

    private static String intervals(JsonNode node) {
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode n : node) {
                if (!n.isValueNode()) {
                    throw intervalsRefused(node);
                }
                parts.add(n.asText());
            }
            return String.join(",", parts);
        }
        if (!node.isValueNode()) {
            throw intervalsRefused(node);
        }
        return node.asText();
    }

    private static InvalidRunSpecException intervalsRefused(JsonNode node) {
        return new InvalidRunSpecException(List.of("epoch_intervals (--epoch-intervals): " + node + " is not accepted;"
                + " expected a number N (every Nth epoch), a list \"a,b,c\" or an array of epochs"));
    }
}
