package io.nnstain.schemas.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What a user asks to train. One validation for every entry point (CLI, REST): each problem is reported
 * naming the option and what is accepted, before anything is published.
 *
 * @param dataset one of {@link #DATASETS}
 * @param hidden widths of the hidden layers
 * @param epochIntervals empty (every epoch), {@code N} (every Nth epoch) or {@code a,b,c} (exactly those)
 * @param samples samples generated for synthetic data sets (ignored for real ones)
 * @param classes classes of {@code blobs} and {@code spirals} (others have fixed classes)
 * @param features dimensions of {@code blobs} (others are 2-D)
 * @param noise noise of synthetic data sets
 */
public record RunSpec(String dataset, List<Integer> hidden, String activation, String optimizer,
        double learningRate, int batchSize, int epochs, long seed, String epochIntervals, boolean dropBatches,
        double validationFraction, int probeSetSize, int samples, int classes, int features, double noise) {

    public static final List<String> DATASETS = List.of("moons", "circles", "xor", "spirals", "blobs", "digits",
            "breast-cancer", "wine");
    public static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid");
    public static final List<String> OPTIMIZERS = List.of("adam", "sgd");
    public static final int MAX_WIDTH = 4096;
    public static final int MAX_HIDDEN_LAYERS = 16;
    public static final int MAX_EPOCHS = 100_000;
    /**
     * Feature values a run's probe set holds at most (samples × input features): with the rest of RunStarted
     * it stays well inside one record (Topics.MAX_RECORD_BYTES); wider inputs get fewer probe samples.
     */
    public static final int MAX_PROBE_VALUES = 1_000_000;

    /** The default run: SimpleNN on moons, as in the original project. */
    public static RunSpec defaults() {
        return new RunSpec("moons", List.of(16, 16), "relu", "adam", 0.01, 32, 30, 42L, "", true, 0.2, 256,
                1000, 3, 2, 0.2);
    }

    public RunSpec {
        hidden = hidden == null ? null : List.copyOf(hidden);
        epochIntervals = epochIntervals == null ? "" : epochIntervals.trim();
        dataset = dataset == null ? null : dataset.trim().toLowerCase(Locale.ROOT);
        activation = activation == null ? null : activation.trim().toLowerCase(Locale.ROOT);
        optimizer = optimizer == null ? null : optimizer.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Layer widths written as {@code "16,16"}: whole numbers in ASCII digits (Java would also read "１６"),
     * otherwise an {@link InvalidRunSpecException} quoting the text as given. Ranges are checked by
     * {@link #validated()}.
     */
    public static List<Integer> parseWidths(String text) {
        List<Integer> widths = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.trim();
            if (!p.matches("[0-9]{1,9}")) {
                throw new InvalidRunSpecException(List.of(hiddenProblem(text)));
            }
            widths.add(Integer.parseInt(p));
        }
        return widths;
    }

    /** What is wrong with layer widths given as {@code given}, in the words every front end uses. */
    public static String hiddenProblem(String given) {
        return "hidden (--hidden): '" + given + "' is not accepted; expected 1 to " + MAX_HIDDEN_LAYERS
                + " comma-separated layer widths, each from 1 to " + MAX_WIDTH + " (e.g. 16,16)";
    }

    /** Every problem of this spec, each naming the option and what is accepted; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (dataset == null || !DATASETS.contains(dataset)) {
            problems.add("dataset (--dataset): '" + dataset + "' is not a data set; accepted: " + String.join(", ", DATASETS));
        }
        if (hidden == null || hidden.isEmpty() || hidden.size() > MAX_HIDDEN_LAYERS
                || hidden.stream().anyMatch(w -> w == null || w < 1 || w > MAX_WIDTH)) {
            problems.add(hiddenProblem(hidden == null ? "" : joinWidths(hidden)));
        }
        if (activation == null || !ACTIVATIONS.contains(activation)) {
            problems.add("activation (--activation): '" + activation + "' is not accepted; accepted: " + String.join(", ", ACTIVATIONS));
        }
        if (optimizer == null || !OPTIMIZERS.contains(optimizer)) {
            problems.add("optimizer (--optimizer): '" + optimizer + "' is not accepted; accepted: " + String.join(", ", OPTIMIZERS));
        }
        if (!(learningRate > 0 && learningRate <= 10) || Double.isNaN(learningRate)) {
            problems.add("learning_rate (--lr): " + learningRate + " is not accepted; expected a number > 0 and <= 10 (e.g. 0.01)");
        }
        if (batchSize < 1 || batchSize > 65_536) {
            problems.add("batch_size (--batch-size): " + batchSize + " is not accepted; expected a whole number from 1 to 65536");
        }
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            problems.add("epochs (--epochs): " + epochs + " is not accepted; expected a whole number from 1 to " + MAX_EPOCHS);
        } else {
            String intervalProblem = epochIntervalsProblem();
            if (intervalProblem != null) {
                problems.add(intervalProblem);
            }
        }
        if (!(validationFraction >= 0.05 && validationFraction <= 0.5)) {
            problems.add("validation_fraction (--validation-fraction): " + validationFraction
                    + " is not accepted; expected a number from 0.05 to 0.5");
        }
        if (probeSetSize < 1 || probeSetSize > 10_000) {
            problems.add("probe_set_size (--probe-set-size): " + probeSetSize + " is not accepted; expected 1 to 10000");
        }
        if (samples < 20 || samples > 1_000_000) {
            problems.add("samples (--samples): " + samples + " is not accepted; expected 20 to 1000000");
        }
        if (classes < 2 || classes > 100) {
            problems.add("classes (--classes): " + classes + " is not accepted; expected 2 to 100");
        }
        if (features < 2 || features > 1000) {
            problems.add("features (--features): " + features + " is not accepted; expected 2 to 1000");
        }
        if (!(noise >= 0 && noise <= 10)) {
            problems.add("noise (--noise): " + noise + " is not accepted; expected a number from 0 to 10");
        }
        return problems;
    }

    /** Throws {@link InvalidRunSpecException} listing every problem. */
    public RunSpec validated() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new InvalidRunSpecException(problems);
        }
        return this;
    }

    /** The scanned epochs in order, E_0 (initialisation) always first. Only for a valid spec. */
    public List<Integer> scannedEpochs() {
        TreeSet<Integer> scanned = new TreeSet<>();
        scanned.add(0);
        if (epochIntervals.isEmpty()) {
            for (int e = 1; e <= epochs; e++) {
                scanned.add(e);
            }
        } else if (!epochIntervals.contains(",")) {
            int n = Integer.parseInt(epochIntervals);
            for (int e = n; e <= epochs; e += n) {
                scanned.add(e);
            }
        } else {
            for (String part : epochIntervals.split(",")) {
                scanned.add(Integer.parseInt(part.trim()));
            }
        }
        return List.copyOf(scanned);
    }

    private String epochIntervalsProblem() {
        String accepted = "; expected empty (every epoch), a whole number N from 1 to epochs (" + epochs
                + ") to scan every Nth epoch, or a comma-separated list of epochs from 0 to " + epochs + " (e.g. 1,5,10)";
        String prefix = "epoch_intervals (--epoch-intervals): '" + epochIntervals + "' is not accepted";
        if (epochIntervals.isEmpty()) {
            return null;
        }
        String[] parts = epochIntervals.split(",", -1);
        for (String part : parts) {
            String p = part.trim();
            if (!p.matches("[0-9]{1,9}")) {
                return prefix + accepted;
            }
            int value = Integer.parseInt(p);
            if (parts.length == 1 ? (value < 1 || value > epochs) : value > epochs) {
                return prefix + accepted;
            }
        }
        return null;
    }

    private static String joinWidths(List<Integer> widths) {
        return String.join(",", widths.stream().map(String::valueOf).toList());
    }

    public RunSpec withDataset(String v) {
        return new RunSpec(v, hidden, activation, optimizer, learningRate, batchSize, epochs, seed, epochIntervals,
                dropBatches, validationFraction, probeSetSize, samples, classes, features, noise);
    }

    public RunSpec withHidden(List<Integer> v) {
        return new RunSpec(dataset, v, activation, optimizer, learningRate, batchSize, epochs, seed, epochIntervals,
                dropBatches, validationFraction, probeSetSize, samples, classes, features, noise);
    }

    public RunSpec withEpochs(int v) {
        return new RunSpec(dataset, hidden, activation, optimizer, learningRate, batchSize, v, seed, epochIntervals,
                dropBatches, validationFraction, probeSetSize, samples, classes, features, noise);
    }

    public RunSpec withEpochIntervals(String v) {
        return new RunSpec(dataset, hidden, activation, optimizer, learningRate, batchSize, epochs, seed, v,
                dropBatches, validationFraction, probeSetSize, samples, classes, features, noise);
    }

    public RunSpec withBatchSize(int v) {
        return new RunSpec(dataset, hidden, activation, optimizer, learningRate, v, epochs, seed, epochIntervals,
                dropBatches, validationFraction, probeSetSize, samples, classes, features, noise);
    }

    public RunSpec withDropBatches(boolean v) {
        return new RunSpec(dataset, hidden, activation, optimizer, learningRate, batchSize, epochs, seed,
                epochIntervals, v, validationFraction, probeSetSize, samples, classes, features, noise);
    }

    public RunSpec withSeed(long v) {
        return new RunSpec(dataset, hidden, activation, optimizer, learningRate, batchSize, epochs, v, epochIntervals,
                dropBatches, validationFraction, probeSetSize, samples, classes, features, noise);
    }

    public RunSpec withOptimizer(String v, double lr) {
        return new RunSpec(dataset, hidden, activation, v, lr, batchSize, epochs, seed, epochIntervals,
                dropBatches, validationFraction, probeSetSize, samples, classes, features, noise);
    }

    public RunSpec withProbeSetSize(int v) {
        return new RunSpec(dataset, hidden, activation, optimizer, learningRate, batchSize, epochs, seed,
                epochIntervals, dropBatches, validationFraction, v, samples, classes, features, noise);
    }

    /** The size of a synthetic data set: samples, classes and input features (blobs; others take what applies). */
    public RunSpec withSynthetic(int samples, int classes, int features) {
        return new RunSpec(dataset, hidden, activation, optimizer, learningRate, batchSize, epochs, seed,
                epochIntervals, dropBatches, validationFraction, probeSetSize, samples, classes, features, noise);
    }
}
