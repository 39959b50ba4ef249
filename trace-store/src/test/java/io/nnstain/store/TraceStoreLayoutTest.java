package io.nnstain.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.serde.MadeUpSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceStoreLayoutTest {

    @TempDir
    Path dir;

    static final int[] WIDTHS = {3, 4, 2};
    static final List<String> NAMES = List.of("input", "hidden_1", "output");

    static StoredRun run() {
        return new StoredRun("warm-up", "made-up", 1, NAMES, WIDTHS, List.of("identity", "relu", "identity"),
                List.of("a", "b"), List.of(), List.of(1), new float[0][], new int[0]);
    }

    static List<NeuronSnapshot> neurons(int epoch, SplittableRandom rnd) {
        List<NeuronSnapshot> out = new ArrayList<>();
        for (int l = WIDTHS.length - 1; l >= 0; l--) { // any order: each layer comes out sorted by neuron
            for (int n = WIDTHS[l] - 1; n >= 0; n--) {
                out.add(MadeUpSnapshots.neuron(epoch, NAMES.get(l), l, n, l == 0 ? 0 : WIDTHS[l - 1], 2, rnd));
            }
        }
        NeuronSnapshot nan = out.get(0);
        out.set(0, NeuronSnapshot.newBuilder(nan).setActMean(Float.NaN).setWeightChange(Float.POSITIVE_INFINITY).build());
        return out;
    }

    static EpochSealed sealed(int epoch) {
        return EpochSealed.newBuilder().setRunId("warm-up").setEpoch(epoch).setSnapshotsPerLayer(List.of(3, 4, 2))
                .setBatchesSent(1).setTrainAccuracy(0.5).setTrainClassAccuracy(List.of()).setValidationLoss(0.5)
                .setValidationAccuracy(0.5).setValidationClassAccuracy(List.of()).setEpochTimeMs(1).setProbeTimeMs(0)
                .build();
    }

    @Test
    void shouldStoreEveryValueAsPublishedOneFilePerLayer() throws Exception {
        TraceStore store = new TraceStore(dir);
        List<NeuronSnapshot> published = neurons(1, new SplittableRandom(5));
        BatchSnapshot batch = BatchSnapshot.newBuilder().setRunId("warm-up").setEpoch(1).setBatch(0).setLayer("output")
                .setLayerIndex(2).setBatchSize(8).setLoss(0.25).setNeuronMeans(List.of(0.5f, Float.NaN))
                .setZeroFraction(0f).build();
        store.writeEpoch(sealed(1), published, List.of(batch));
        assertTrue(store.hasEpoch("warm-up", 1));
        assertEquals(List.of(false, false, false), NAMES.stream().map(l -> !Files.exists(store.layerFile("warm-up", 1, l))).toList());
        // read back through the same conversion the collector uses for dead letters: every field, value for value
        List<NeuronSnapshot> stored = new ArrayList<>();
        try (Connection c = Duck.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM read_parquet(" + Duck.literal(store.epochDir("warm-up", 1)
                        .resolve("neurons-*.parquet").toString()) + ") ORDER BY layer_index, neuron")) {
            while (rs.next()) {
                stored.add(TraceTables.neuron(rs, 1));
            }
        }
        List<NeuronSnapshot> expected = new ArrayList<>(published);
        expected.sort(java.util.Comparator.comparingInt(NeuronSnapshot::getLayerIndex)
                .thenComparingInt(NeuronSnapshot::getNeuron));
        assertEquals(expected.toString(), stored.toString()); // as text: NaN equals NaN
        try (Connection c = Duck.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM read_parquet(" + Duck.literal(store.epochDir("warm-up", 1)
                        .resolve(TraceStore.BATCHES_FILE).toString()) + ")")) {
            assertTrue(rs.next());
            assertEquals(batch.toString(), TraceTables.batch(rs, 1).toString());
        }
        StoredEpoch epoch = new TraceReader(store).epoch(run(), 1);
        assertArrayEquals(toArray(expected.get(3 + 4 + 1).getWeights()), epoch.weights()[2][1]);
    }

    @Test
    void shouldReadAnEpochFromTheLookupFilesAsFromTheParquetFiles() throws Exception {
        TraceStore store = new TraceStore(dir);
        store.writeEpoch(sealed(2), neurons(2, new SplittableRandom(11)), List.of());
        TraceReader reader = new TraceReader(store);
        StoredEpoch fromLookups = reader.epoch(run(), 2);
        for (String layer : NAMES) {
            Files.delete(store.lookupFile("warm-up", 2, layer));
        }
        StoredEpoch fromParquet = reader.epoch(run(), 2);
        assertEquals(java.util.Arrays.deepToString(fromParquet.classMeans()),
                java.util.Arrays.deepToString(fromLookups.classMeans()));
        assertEquals(java.util.Arrays.deepToString(fromParquet.weights()), java.util.Arrays.deepToString(fromLookups.weights()));
        assertEquals(java.util.Arrays.deepToString(fromParquet.bias()), java.util.Arrays.deepToString(fromLookups.bias()));
        assertEquals(java.util.Arrays.deepToString(fromParquet.gradWeightMean()),
                java.util.Arrays.deepToString(fromLookups.gradWeightMean()));
        assertEquals(java.util.Arrays.deepToString(fromParquet.gradBias()), java.util.Arrays.deepToString(fromLookups.gradBias()));
        assertTrue(fromLookups.weights()[1][3].length == 3 && fromLookups.gradWeightMean() != null);
    }

    @Test
    void shouldRemoveOnlyStagingFilesOldEnoughToBeLeftByAStoppedWriter() throws Exception {
        TraceStore store = new TraceStore(dir);
        store.writeEpoch(sealed(1), neurons(1, new SplittableRandom(3)), List.of());
        Path epochDir = store.epochDir("warm-up", 1);
        Path stale = TraceStore.stagingFor(store.layerFile("warm-up", 1, "hidden_1"));
        Path fresh = TraceStore.stagingFor(store.lookupFile("warm-up", 1, "output"));
        Files.writeString(stale, "half a layer");
        Files.writeString(fresh, "a layer being written");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        List<String> before;
        try (var files = Files.list(epochDir)) {
            before = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(1, store.removeStaleStaging(java.time.Duration.ofHours(1)));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh));
        try (var files = Files.list(epochDir)) {
            List<String> after = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(before.stream().filter(n -> !n.equals(stale.getFileName().toString())).toList(), after);
        }
        assertTrue(store.hasEpoch("warm-up", 1));
        assertEquals(0, new TraceStore(dir.resolve("empty")).removeStaleStaging(java.time.Duration.ZERO));
    }

    @Test
    void shouldAnswerALookupFromTheLookupFileAsFromTheParquetFile() throws Exception {
        TraceStore store = new TraceStore(dir);
        store.writeEpoch(sealed(2), neurons(2, new SplittableRandom(8)), List.of());
        TraceReader reader = new TraceReader(store);
        List<String> fromLookup = new ArrayList<>();
        for (int l = 0; l < WIDTHS.length; l++) {
            assertTrue(Files.exists(store.lookupFile("warm-up", 2, NAMES.get(l))));
            for (int n = 0; n < WIDTHS[l]; n++) {
                fromLookup.add(reader.neuron("warm-up", 2, NAMES.get(l), n).orElseThrow());
            }
            assertTrue(reader.neuron("warm-up", 2, NAMES.get(l), WIDTHS[l]).isEmpty(), "no neuron past the width");
            Files.delete(store.lookupFile("warm-up", 2, NAMES.get(l)));
        }
        List<String> fromParquet = new ArrayList<>();
        for (int l = 0; l < WIDTHS.length; l++) {
            for (int n = 0; n < WIDTHS[l]; n++) {
                fromParquet.add(reader.neuron("warm-up", 2, NAMES.get(l), n).orElseThrow());
            }
        }
        assertEquals(fromParquet, fromLookup);
        assertTrue(fromLookup.get(WIDTHS[0] + WIDTHS[1] + 1).contains("\"act_mean\":null"), "NaN is null in JSON");
    }

    @Test
    void shouldReadATraceWrittenBeforeLayersWereStoredApart() throws Exception {
        TraceStore store = new TraceStore(dir);
        store.writeEpoch(sealed(0), neurons(0, new SplittableRandom(6)), List.of());
        TraceReader reader = new TraceReader(store);
        String before = reader.slice("warm-up", 0, null);
        String neuron = reader.neuron("warm-up", 0, "hidden_1", 2).orElseThrow();
        StoredEpoch epoch = reader.epoch(run(), 0);
        // the 0.1.0 layout: the whole epoch in neurons.parquet, without grad_weight_mean, and no marker
        Path epochDir = store.epochDir("warm-up", 0);
        try (Connection c = Duck.connect(); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * EXCLUDE (grad_weight_mean) FROM read_parquet(" + Duck.literal(epochDir
                    .resolve("neurons-*.parquet").toString()) + ") ORDER BY layer_index, neuron) TO "
                    + Duck.literal(epochDir.resolve(TraceStore.LEGACY_NEURONS_FILE).toString()) + " (FORMAT parquet)");
        }
        for (String layer : NAMES) {
            Files.delete(store.layerFile("warm-up", 0, layer));
            Files.delete(store.lookupFile("warm-up", 0, layer));
        }
        Files.delete(epochDir.resolve(TraceStore.ASSEMBLED_FILE));
        assertTrue(store.hasEpoch("warm-up", 0));
        assertEquals(List.of(0), store.assembledEpochs("warm-up"));
        assertEquals(before.replaceAll(",\"grad_weight_mean\":(null|\\[[^\\]]*\\])", ""), reader.slice("warm-up", 0, null));
        assertEquals(neuron.replaceAll(",\"grad_weight_mean\":(null|\\[[^\\]]*\\])", ""),
                reader.neuron("warm-up", 0, "hidden_1", 2).orElseThrow());
        assertArrayEquals(epoch.weights()[1][3], reader.epoch(run(), 0).weights()[1][3]);
        assertEquals(4, reader.layerHistory(run(), "hidden_1", List.of(0)).actMean()[0].length);
        List<String> csv = Files.readAllLines(reader.export("warm-up", TraceReader.Format.CSV, dir.resolve("x.csv")));
        assertEquals(1 + 9, csv.size());
    }

    @Test
    void shouldStoreALayerWithMoreInputsThanFitAFixedArrayWithinDuckDbsMemoryLimit() throws Exception {
        TraceStore store = new TraceStore(dir);
        int inputs = TraceTables.FIXED_ARRAY_MAX * 8;
        Duck.limitMemory("256MB", dir.resolve(".staging"));
        try {
            StagedTable rows = store.stageNeurons("warm-up", 1, "output", inputs, 2);
            SplittableRandom rnd = new SplittableRandom(9);
            for (int n = 0; n < 10; n++) {
                rows.add(MadeUpSnapshots.neuron(1, "output", 2, n, inputs, 2, rnd));
            }
            store.storeLayer("warm-up", 1, "output", rows);
            String row = new TraceReader(store).neuron("warm-up", 1, "output", 9).orElseThrow();
            assertTrue(row.length() > inputs * 2, "every weight is stored");
        } finally {
            Duck.limitMemory("4GB", dir.resolve(".staging"));
        }
    }

    @Test
    void shouldNotCountAnEpochWhoseLayersAreStoredButNotItsMarker() {
        TraceStore store = new TraceStore(dir);
        StagedTable rows = store.stageNeurons("warm-up", 3, "input", 0, 2);
        neurons(3, new SplittableRandom(7)).stream().filter(n -> n.getLayerIndex() == 0).forEach(rows::add);
        store.storeLayer("warm-up", 3, "input", rows);
        assertFalse(store.hasEpoch("warm-up", 3));
        assertEquals(java.util.Set.of("input"), store.storedLayers("warm-up", 3));
        assertEquals(List.of(), store.assembledEpochs("warm-up"));
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
