package io.nnstain.cli.commands;

import io.nnstain.schemas.config.RunSpec;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of a run; unset ones take the default run's values (SimpleNN 16-16 on moons). */
public final class TrainOptions {

    private static final RunSpec D = RunSpec.defaults();

    @Option(names = "--dataset", description = "moons, circles, xor, spirals, blobs, digits, breast-cancer or wine (default: moons).")
    String dataset = D.dataset();

    @Option(names = "--hidden", paramLabel = "W,W,...", description = "Hidden layer widths (default: 16,16).")
    String hidden = "16,16";

    @Option(names = "--activation", description = "relu, tanh or sigmoid (default: relu).")
    String activation = D.activation();

    @Option(names = "--optimizer", description = "adam or sgd (default: adam).")
    String optimizer = D.optimizer();

    @Option(names = "--lr", paramLabel = "X", description = "Learning rate (default: 0.01).")
    double learningRate = D.learningRate();

    @Option(names = "--batch-size", paramLabel = "N", description = "Batch size (default: 32).")
    int batchSize = D.batchSize();

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to train (default: 30).")
    int epochs = D.epochs();

    @Option(names = "--seed", paramLabel = "N", description = "Seed of data, initialisation and shuffling (default: 42).")
    long seed = D.seed();

    @Option(names = "--epoch-intervals", paramLabel = "N|a,b,c",
            description = "Which epochs to scan: N = every Nth epoch, a,b,c = exactly those (default: every epoch). E_0 is always scanned.")
    String epochIntervals = "";

    @Option(names = "--keep-batches", description = "Also publish per-batch layer statistics (drop_batches=false).")
    boolean keepBatches;

    @Option(names = "--samples", paramLabel = "N", description = "Samples of a synthetic data set (default: 1000).")
    int samples = D.samples();

    @Option(names = "--classes", paramLabel = "N", description = "Classes of blobs and spirals (default: 3).")
    int classes = D.classes();

    @Option(names = "--features", paramLabel = "N", description = "Dimensions of blobs (default: 2).")
    int features = D.features();

    @Option(names = "--noise", paramLabel = "X", description = "Noise of synthetic data sets (default: 0.2).")
    double noise = D.noise();

    @Option(names = "--validation-fraction", paramLabel = "X", description = "Share held out for validation (default: 0.2).")
    double validationFraction = D.validationFraction();

    @Option(names = "--probe-set-size", paramLabel = "N", description = "Held-out samples published with the run (default: 256).")
    int probeSetSize = D.probeSetSize();

    /** The spec, validated: bad values raise an IllegalArgumentException naming the option (exit 2). */
    public RunSpec spec() {
        List<Integer> widths = RunSpec.parseWidths(hidden);
        return new RunSpec(dataset, widths, activation, optimizer, learningRate, batchSize, epochs, seed,
                epochIntervals, !keepBatches, validationFraction, probeSetSize, samples, classes, features, noise)
                .validated();
    }

    /** The spec as the trainer's JSON body. */
    public static com.fasterxml.jackson.databind.node.ObjectNode toJson(RunSpec s) {
        var node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        node.put("dataset", s.dataset());
        node.set("hidden", new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(s.hidden()));
        node.put("activation", s.activation());
        node.put("optimizer", s.optimizer());
        node.put("learning_rate", s.learningRate());
        node.put("batch_size", s.batchSize());
        node.put("epochs", s.epochs());
        node.put("seed", s.seed());
        node.put("epoch_intervals", s.epochIntervals());
        node.put("drop_batches", s.dropBatches());
        node.put("validation_fraction", s.validationFraction());
        node.put("probe_set_size", s.probeSetSize());
        node.put("samples", s.samples());
        node.put("classes", s.classes());
        node.put("features", s.features());
        node.put("noise", s.noise());
        return node;
    }
}
