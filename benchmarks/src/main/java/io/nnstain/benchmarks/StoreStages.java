package io.nnstain.benchmarks;

import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.serde.NeuronSnapshotDecoder;
import io.nnstain.store.StagedTable;
import io.nnstain.store.TraceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What one snapshot costs at each step of the ingest path, in one thread and without Kafka: encoding as the
 * trainer's sink does, decoding as the collector does (and with Avro's reader, for comparison), staging into
 * DuckDB with the lookup file, and writing the layer's Parquet file. Their sum bounds what one consuming
 * thread can store, whatever the broker does.
 */
@Command(name = "store-stages", mixinStandardHelpOptions = true,
        description = "Times, per snapshot (64 weights and 64 mean gradients), the trainer's encoding, the collector's"
                + " decoding, staging into DuckDB and writing the layer's Parquet file, in one thread, no Kafka.")
public final class StoreStages implements Callable<Integer> {

    @Option(names = "--width", defaultValue = "16384", description = "Neurons of the layer (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--rounds", defaultValue = "11", description = "Layers stored; the first is a warm-up and not"
            + " counted (default ${DEFAULT-VALUE}).")
    int rounds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StoreStages()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (width < 1 || rounds < 2) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--width must be at least 1 and --rounds at least 2");
        }
        AvroSerde serde = new AvroSerde();
        NeuronSnapshotDecoder decoder = new NeuronSnapshotDecoder();
        NeuronSnapshot[] snapshots = snapshots(width);
        Path dir = Files.createTempDirectory("nnstain-stages-");
        TraceStore store = new TraceStore(dir);
        String[] names = {"encode (trainer's sink, Avro)", "decode (collector, direct)", "decode (Avro's reader)",
            "stage (DuckDB appender and lookup file)", "store (Parquet file written)"};
        double[][] micros = new double[names.length][rounds - 1];
        try {
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                byte[][] encoded = new byte[width][];
                for (int n = 0; n < width; n++) {
                    encoded[n] = serde.encode(snapshots[n]);
                }
                long t1 = System.nanoTime();
                NeuronSnapshot[] decoded = new NeuronSnapshot[width];
                for (int n = 0; n < width; n++) {
                    decoded[n] = decoder.decode(encoded[n]);
                }
                long t2 = System.nanoTime();
                for (int n = 0; n < width; n++) {
                    if (serde.decode(encoded[n]) == null) {
                        throw new IllegalStateException("Avro's reader decoded nothing");
                    }
                }
                long t3 = System.nanoTime();
                StagedTable table = store.stageNeurons("stages", r, "hidden_1", 64, 10);
                for (int n = 0; n < width; n++) {
                    table.add(decoded[n], encoded[n]);
                }
                long t4 = System.nanoTime();
                store.storeLayer("stages", r, "hidden_1", table);
                long t5 = System.nanoTime();
                if (r > 0) {
                    long[] t = {t0, t1, t2, t3, t4, t5};
                    for (int s = 0; s < names.length; s++) {
                        micros[s][r - 1] = (t[s + 1] - t[s]) / 1e3 / width;
                    }
                }
                System.out.printf("layer %d of %d stored%n", r + 1, rounds);
            }
        } finally {
            IngestBenchmark.delete(dir);
        }
        System.out.printf("%nper snapshot, %d snapshots a layer, median over %d layers (the first one not counted):%n",
                width, rounds - 1);
        System.out.println("| step | µs per snapshot (median) | min – max |");
        System.out.println("| --- | --- | --- |");
        for (int s = 0; s < names.length; s++) {
            double[] m = micros[s].clone();
            Arrays.sort(m);
            System.out.printf("| %s | %.2f | %.2f – %.2f |%n", names[s], m[m.length / 2], m[0], m[m.length - 1]);
        }
        double path = median(micros[1]) + median(micros[3]) + median(micros[4]);
        System.out.printf("| collector's path (direct decode + stage + store) | %.2f | ceiling %,.0f snapshots/s for"
                + " one thread, before Kafka |%n", path, 1e6 / path);
        return 0;
    }

    private static double median(double[] values) {
        double[] m = values.clone();
        Arrays.sort(m);
        return m[m.length / 2];
    }

    /** Snapshots shaped as the ingest benchmark publishes them: 64 weights, 64 mean gradients, 10 class means. */
    static NeuronSnapshot[] snapshots(int width) {
        SplittableRandom rnd = new SplittableRandom(1);
        NeuronSnapshot[] out = new NeuronSnapshot[width];
        for (int n = 0; n < width; n++) {
            out[n] = NeuronSnapshot.newBuilder().setRunId("stages").setEpoch(1).setLayer("hidden_1").setLayerIndex(1)
                    .setNeuron(n).setSamples(1000).setActMean(0.1f).setActStd(0.5f).setActMin(-1f).setActMax(2f)
                    .setZeroFraction(0.1f).setClassMeans(gaussians(rnd, 10)).setBias(0.1f).setWeights(gaussians(rnd, 64))
                    .setGradWeightNorm(0.01f).setGradBias(0.01f).setWeightChange(0.01f)
                    .setGradWeightMean(gaussians(rnd, 64)).build();
        }
        return out;
    }

    private static List<Float> gaussians(SplittableRandom rnd, int n) {
        List<Float> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add((float) rnd.nextGaussian());
        }
        return out;
    }
}
