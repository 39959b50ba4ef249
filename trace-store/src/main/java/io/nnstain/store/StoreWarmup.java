package io.nnstain.store;

import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.serde.MadeUpSnapshots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Writes made-up digits-sized epochs to a scratch store and reads them back, before a service reports ready:
 * measured cold, the first epochs of the first run after a start took the collector ~0.7 s to store and the
 * analyzer ~0.8 s more to read and analyse, against ~15 ms and ~10 ms warm, and the backlog held the live page
 * ~2 s behind training.
 */
public final class StoreWarmup {

    private StoreWarmup() {
    }

    /** Writes and reads back {@code rounds} epochs in a scratch folder that is deleted afterwards. */
    public static void run(int rounds) {
        run(rounds, Long.MAX_VALUE);
    }

    /**
     * As {@link #run(int)}, stopping early at {@code deadline} ({@link System#nanoTime()}): a start shares two
     * cores among five JVMs, where a fixed number of rounds took 12 s.
     */
    public static void run(int rounds, long deadline) {
        int[] widths = {64, 64, 128, 64, 10};
        List<String> names = List.of("input", "hidden_1", "hidden_2", "hidden_3", "output");
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            classes.add(String.valueOf(c));
        }
        StoredRun run = new StoredRun("warm-up", "warm-up", 1, names, widths,
                List.of("identity", "relu", "relu", "relu", "identity"), classes, List.of(), List.of(), new float[0][],
                new int[0]);
        Path dir;
        try {
            dir = Files.createTempDirectory("nnstain-warm-up-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a scratch folder for the warm-up", e);
        }
        try {
            TraceStore store = new TraceStore(dir);
            TraceReader reader = new TraceReader(store);
            SplittableRandom rnd = new SplittableRandom(1);
            io.nnstain.schemas.serde.AvroSerde serde = new io.nnstain.schemas.serde.AvroSerde();
            for (int e = 0; e < rounds && (e == 0 || System.nanoTime() < deadline); e++) {
                List<NeuronSnapshot> neurons = neurons(e, widths, names, rnd);
                for (NeuronSnapshot n : neurons) {
                    serde.decode(serde.encode(n)); // the collector's decoding of every record
                }
                store.writeEpoch(sealed(e, widths), neurons, List.of());
                reader.epoch(run, e);
            }
        } finally {
            delete(dir);
        }
    }

    private static EpochSealed sealed(int epoch, int[] widths) {
        List<Integer> counts = new ArrayList<>();
        for (int w : widths) {
            counts.add(w);
        }
        return EpochSealed.newBuilder().setRunId("warm-up").setEpoch(epoch).setSnapshotsPerLayer(counts)
                .setBatchesSent(0).setTrainLoss(0.5).setTrainAccuracy(0.5).setTrainClassAccuracy(List.of())
                .setValidationLoss(0.5).setValidationAccuracy(0.5).setValidationClassAccuracy(List.of())
                .setEpochTimeMs(1).setProbeTimeMs(0).build();
    }

    private static List<NeuronSnapshot> neurons(int epoch, int[] widths, List<String> names, SplittableRandom rnd) {
        List<NeuronSnapshot> out = new ArrayList<>();
        for (int l = 0; l < widths.length; l++) {
            for (int j = 0; j < widths[l]; j++) {
                out.add(MadeUpSnapshots.neuron(epoch, names.get(l), l, j, l == 0 ? 0 : widths[l - 1], 10, rnd));
            }
        }
        return out;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a scratch folder in the temp directory: leaving it is harmless
        }
    }
}
