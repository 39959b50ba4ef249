package io.nnstain.benchmarks;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.config.RunSpec;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.serde.NeuronRow;
import io.nnstain.schemas.serde.NeuronRowEncoder;
import io.nnstain.trainer.data.Datasets;
import io.nnstain.trainer.model.DjlEngine;
import io.nnstain.trainer.probe.TraceSink;
import io.nnstain.trainer.training.ProgressListener;
import io.nnstain.trainer.training.RunDescriptions;
import io.nnstain.trainer.training.TrainingJob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Probe overhead: trains the same seeded model with and without the probe, alternating, and prints the ratio
 * traced/plain. The traced side does everything but the network send: statistics of every neuron at every
 * epoch, snapshots built and Avro-encoded (single-object encoding, as published).
 */
@Command(name = "probe-overhead", mixinStandardHelpOptions = true,
        description = "Time training with and without the probe, alternating runs (ABAB, first side swapped each "
                + "round), and print traced/plain per round and the median.")
public final class ProbeOverhead implements Callable<Integer> {

    @Option(names = "--dataset", defaultValue = "digits")
    String dataset;

    @Option(names = "--hidden", defaultValue = "128,64", description = "Hidden widths (default ${DEFAULT-VALUE}: 64-128-64-10 on digits).")
    String hidden;

    @Option(names = "--samples", defaultValue = "1000", description = "Samples of a synthetic data set (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--classes", defaultValue = "3", description = "Classes of blobs (default ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--features", defaultValue = "2", description = "Input features of blobs (default ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--batch-sizes", defaultValue = "64,256", split = ",")
    List<Integer> batchSizes;

    @Option(names = "--epochs", defaultValue = "30")
    int epochs;

    @Option(names = "--rounds", defaultValue = "7", description = "Alternating plain/traced pairs per batch size, after warm-up.")
    int rounds;

    @Option(names = "--warmup", defaultValue = "2")
    int warmup;

    @Option(names = "--threads", defaultValue = "1", description = "Engine threads, as the trainer uses.")
    int threads;

    public static void main(String[] args) {
        // the probe logs every epoch at INFO; here that would be thousands of lines
        java.util.logging.Logger.getLogger("io.nnstain").setLevel(java.util.logging.Level.WARNING);
        System.exit(new CommandLine(new ProbeOverhead()).execute(args));
    }

    @Override
    public Integer call() {
        TrainingJob job = new TrainingJob(DjlEngine.get(threads));
        List<Integer> widths = Arrays.stream(hidden.split(",")).map(String::trim).map(Integer::parseInt).toList();
        System.out.printf("probe overhead: %s, hidden %s, %d epochs, every epoch scanned, engine threads %d, %d cores%n",
                dataset, widths, epochs, threads, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-6s %-6s %10s %10s %8s%n", "batch", "round", "plain ms", "traced ms", "ratio");
        List<String> summary = new ArrayList<>();
        for (int batch : batchSizes) {
            RunSpec spec = RunSpec.defaults().withDataset(dataset).withHidden(widths).withEpochs(epochs)
                    .withBatchSize(batch).withSynthetic(samples, classes, features).validated();
            Datasets.Split split = Datasets.prepare(spec);
            RunStarted started = RunDescriptions.runStarted("bench", spec, split,
                    RunDescriptions.probeSet(spec, split.validation()), 8);
            double[] ratios = new double[rounds];
            double[] plainMs = new double[rounds];
            double[] tracedMs = new double[rounds];
            long bytes = 0;
            for (int r = -warmup; r < rounds; r++) {
                // alternate which side goes first, so that drift of the machine's speed cancels out
                EncodingSink sink = new EncodingSink();
                boolean plainFirst = Math.floorMod(r, 2) == 0;
                double plain = 0;
                double traced;
                if (plainFirst) {
                    plain = time(() -> job.run("bench", spec, split, started, null, ProgressListener.NONE));
                }
                traced = time(() -> job.run("bench", spec, split, started, sink, ProgressListener.NONE));
                if (!plainFirst) {
                    plain = time(() -> job.run("bench", spec, split, started, null, ProgressListener.NONE));
                }
                if (r >= 0) {
                    plainMs[r] = plain;
                    tracedMs[r] = traced;
                    ratios[r] = traced / plain;
                    bytes = sink.bytes;
                    System.out.printf("%-6d %-6d %10.1f %10.1f %8.3f   (probe on training thread %.1f ms)%n", batch, r + 1,
                            plain, traced, traced / plain, sink.probeMs);
                }
            }
            double[] ci = bootstrapMedianInterval(ratios);
            String line = String.format("batch %d: median plain %.1f ms, median traced %.1f ms, median ratio traced/plain"
                    + " %.3f (95%% bootstrap interval %.3f-%.3f; min %.3f, max %.3f); %d records, %.1f MB encoded per"
                    + " traced run", batch, median(plainMs), median(tracedMs), median(ratios), ci[0], ci[1],
                    Arrays.stream(ratios).min().orElse(0), Arrays.stream(ratios).max().orElse(0),
                    recordsPerRun(started, epochs), bytes / 1e6);
            summary.add(line);
        }
        System.out.println();
        summary.forEach(System.out::println);
        return 0;
    }

    private static long recordsPerRun(RunStarted started, int epochs) {
        int neurons = started.getTopology().getLayers().stream().mapToInt(l -> l.getWidth()).sum();
        return (long) neurons * (epochs + 1) + epochs + 3;
    }

    private static double time(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1e6;
    }

    /** Percentile bootstrap of the median (2000 resamples, fixed seed): how far the median can be trusted. */
    private static double[] bootstrapMedianInterval(double[] values) {
        java.util.Random random = new java.util.Random(7);
        double[] medians = new double[2000];
        double[] sample = new double[values.length];
        for (int b = 0; b < medians.length; b++) {
            for (int i = 0; i < sample.length; i++) {
                sample[i] = values[random.nextInt(values.length)];
            }
            medians[b] = median(sample);
        }
        Arrays.sort(medians);
        return new double[] {medians[(int) (0.025 * medians.length)], medians[(int) (0.975 * medians.length) - 1]};
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Encodes every record as the Kafka sink would, and counts the bytes. */
    static final class EncodingSink implements TraceSink {
        private final AvroSerde serde = new AvroSerde();
        private final NeuronRowEncoder rows = new NeuronRowEncoder();
        long bytes;

        private void encode(SpecificRecord r) {
            bytes += serde.encode(r).length;
        }

        @Override public void runStarted(RunStarted e) { encode(e); }
        @Override public void neuron(NeuronRow s) { bytes += rows.encode(s).length; }
        @Override public void batch(BatchSnapshot b) { encode(b); }
        double probeMs;

        @Override public void epochSealed(EpochSealed e) { encode(e); probeMs += e.getProbeTimeMs(); }
        @Override public void runFinished(RunFinished f) { encode(f); }
    }
}
