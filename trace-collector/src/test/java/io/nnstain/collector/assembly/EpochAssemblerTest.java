package io.nnstain.collector.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.store.Duck;
import io.nnstain.store.TraceReader;
import io.nnstain.store.TraceStore;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.LayerInfo;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.ProbeSet;
import io.nnstain.schemas.avro.RunConfig;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.avro.RunStatus;
import io.nnstain.schemas.avro.Topology;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochAssemblerTest {

    @TempDir
    Path dir;

    static final TopicPartition P0 = new TopicPartition("n", 0);
    static final TopicPartition P1 = new TopicPartition("n", 1);
    static final TopicPartition E = new TopicPartition("e", 0);

    static NeuronSnapshot neuron(int epoch, int layer, int n, float mean) {
        return NeuronSnapshot.newBuilder().setRunId("r").setEpoch(epoch).setLayer(layer == 0 ? "input" : "output")
                .setLayerIndex(layer).setNeuron(n).setSamples(10).setActMean(mean).setActStd(0.1f).setActMin(-1f)
                .setActMax(1f).setZeroFraction(0f).setClassMeans(List.of(mean, Float.NaN)).setBias(layer == 0 ? null : 0.5f)
                .setWeights(layer == 0 ? List.of() : List.of(0.1f, 0.2f)).build();
    }

    /** Run "r": input of 2, output of 1, classes a and b, scanned epochs 0 to 3. */
    static RunStarted started() {
        List<LayerInfo> layers = List.of(new LayerInfo(0, "input", 2, "identity"), new LayerInfo(1, "output", 1, "identity"));
        return RunStarted.newBuilder().setRunId("r").setStartedAtMs(1)
                .setConfig(new RunConfig("made-up", List.of(), "relu", "adam", 0.01, 8, 3, 1L, "", true, 0.2, 0))
                .setTopology(new Topology(layers, List.of("a", "b"), List.of("x0", "x1"), List.of(2)))
                .setScannedEpochs(List.of(0, 1, 2, 3)).setTrainSamples(10).setValidationSamples(0).setNeuronPartitions(2)
                .setProbeSet(new ProbeSet(List.of(), List.of())).build();
    }

    static final TopicPartition R = new TopicPartition("runs", 0);

    /** An assembler whose clock the test moves. */
    static final class Clock implements java.util.function.LongSupplier {
        long now = 1_000_000;

        @Override
        public long getAsLong() {
            return now;
        }
    }

    static EpochSealed sealed(int epoch) {
        return EpochSealed.newBuilder().setRunId("r").setEpoch(epoch).setSnapshotsPerLayer(List.of(2, 1))
                .setBatchesSent(0).setTrainAccuracy(0.5).setTrainClassAccuracy(List.of(0.5, 0.5)).setValidationLoss(1)
                .setValidationAccuracy(0.5).setValidationClassAccuracy(List.of(0.5, 0.5)).setEpochTimeMs(1)
                .setProbeTimeMs(0).build();
    }

    @Test
    void shouldAssembleEpochOnceAllLayersArrivedWhateverTheOrder() throws Exception {
        TraceStore store = new TraceStore(dir);
        EpochAssembler assembler = new EpochAssembler(store);
        assembler.accept(started(), R, 0);
        assertTrue(assembler.accept(sealed(3), E, 0).assembled().isEmpty(), "sealed before its snapshots: wait");
        assertTrue(assembler.accept(neuron(3, 1, 0, 0.3f), P1, 0).assembled().isEmpty());
        assertTrue(assembler.accept(neuron(3, 0, 1, 0.2f), P0, 5).assembled().isEmpty());
        assertEquals(0, assembler.safeOffset(E, 1), "the seal is not durable yet");
        assertEquals(5, assembler.safeOffset(P0, 6));
        List<EpochAssembled> done = assembler.accept(neuron(3, 0, 0, 0.1f), P0, 6).assembled();
        assertEquals(1, done.size());
        assertEquals(3, done.get(0).getRows());
        assertEquals(7, assembler.safeOffset(P0, 7), "nothing pending: commit up to the position");
        assertEquals(List.of(3), store.assembledEpochs("r"));
        TraceReader reader = new TraceReader(store);
        String row = reader.neuron("r", 3, "output", 0).orElseThrow();
        assertTrue(row.contains("\"act_mean\":0.3"), row);
        assertTrue(row.contains("\"class_means\":[0.3,null]"), row + " (NaN is null in JSON)");
        try (Connection c = Duck.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT isnan(class_means[2]) FROM read_parquet("
                        + Duck.literal(store.layerFile("r", 3, "output").toString()) + ") WHERE layer = 'output'")) {
            rs.next();
            assertTrue(rs.getBoolean(1), "a NaN class mean is stored as NaN, not NULL");
        }
        assertTrue(row.contains("\"epoch\":3"), row);
    }

    @Test
    void shouldNeverDuplicateRowsWhenRecordsAreRedeliveredOrReplayed() throws Exception {
        TraceStore store = new TraceStore(dir);
        EpochAssembler assembler = new EpochAssembler(store);
        assembler.accept(started(), R, 0);
        List<Object[]> stream = new ArrayList<>();
        stream.add(new Object[] {neuron(1, 0, 0, 0.1f), P0, 0L});
        stream.add(new Object[] {neuron(1, 0, 0, 0.1f), P0, 0L}); // redelivered within the epoch
        stream.add(new Object[] {neuron(1, 0, 1, 0.2f), P0, 1L});
        stream.add(new Object[] {neuron(1, 1, 0, 0.3f), P1, 0L});
        stream.add(new Object[] {sealed(1), E, 0L});
        for (int pass = 0; pass < 2; pass++) { // the second pass is a full replay
            for (Object[] r : stream) {
                assembler.accept((org.apache.avro.specific.SpecificRecord) r[0], (TopicPartition) r[1], (Long) r[2]);
            }
        }
        // a fresh collector (restart) replays once more
        EpochAssembler restarted = new EpochAssembler(store);
        for (Object[] r : stream) {
            restarted.accept((org.apache.avro.specific.SpecificRecord) r[0], (TopicPartition) r[1], (Long) r[2]);
        }
        try (Connection c = Duck.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT (layer, neuron)) FROM read_parquet("
                        + Duck.literal(store.epochDir("r", 1).resolve("neurons-*.parquet").toString()) + ")")) {
            rs.next();
            assertEquals(3, rs.getInt(1));
            assertEquals(3, rs.getInt(2));
        }
        assertTrue(assembler.duplicatesSkipped() >= 5, "skipped " + assembler.duplicatesSkipped());
        try (var files = Files.list(store.epochDir("r", 1))) {
            assertEquals(List.of("assembled.json", "neurons-input.lookup", "neurons-input.parquet", "neurons-output.lookup",
                    "neurons-output.parquet", "sealed.json"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no staging files left behind");
        }
    }

    @Test
    void shouldStoreEachLayerAsSoonAsItIsCompleteAndSkipItOnReplayAfterARestart() throws Exception {
        TraceStore store = new TraceStore(dir);
        EpochAssembler assembler = new EpochAssembler(store);
        assembler.accept(started(), R, 0);
        assembler.accept(neuron(2, 0, 0, 0.1f), P0, 10);
        assertEquals(10, assembler.safeOffset(P0, 11), "half a layer pins its partition");
        assembler.accept(neuron(2, 0, 1, 0.2f), P0, 11);
        assertTrue(Files.exists(store.layerFile("r", 2, "input")), "the input layer is stored once complete");
        assertEquals(12, assembler.safeOffset(P0, 12), "a stored layer holds no offset");
        assertFalse(store.hasEpoch("r", 2), "the epoch is not complete without its other layer and seal");
        assertEquals(List.of(), store.assembledEpochs("r"));
        // a restart: the stored layer is read again from older offsets and skipped; the rest completes the epoch
        EpochAssembler restarted = new EpochAssembler(store);
        restarted.accept(neuron(2, 0, 0, 0.5f), P0, 10);
        restarted.accept(neuron(2, 0, 1, 0.5f), P0, 11);
        restarted.accept(neuron(2, 1, 0, 0.3f), P1, 0);
        assertEquals(1, restarted.accept(sealed(2), E, 0).assembled().size());
        assertEquals(2, restarted.duplicatesSkipped());
        String row = new TraceReader(store).neuron("r", 2, "input", 0).orElseThrow();
        assertTrue(row.contains("\"act_mean\":0.1"), "the first stored copy stays: " + row);
    }

    @Test
    void shouldAskToReadAgainFromTheCommittedOffsetsWhenALayerCannotBeStored() throws Exception {
        TraceStore store = new TraceStore(dir);
        EpochAssembler assembler = new EpochAssembler(store);
        assembler.accept(started(), R, 0);
        assembler.accept(neuron(1, 0, 0, 0.1f), P0, 3);
        // the epoch's folder, with the layer's staging files, is taken away (a disk that failed, a hand that erred)
        try (var files = Files.walk(store.epochDir("r", 1))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        assertThrows(io.nnstain.schemas.messaging.ConsumerLoop.RestartFromCommitted.class,
                () -> assembler.accept(neuron(1, 0, 1, 0.2f), P0, 4));
        assertEquals(3, assembler.safeOffset(P0, 5), "nothing of the lost layer is committed past");
        assembler.reset();
        // the loop starts again from the committed offsets, with a new assembler
        EpochAssembler again = new EpochAssembler(store);
        again.accept(neuron(1, 0, 0, 0.1f), P0, 3);
        again.accept(neuron(1, 0, 1, 0.2f), P0, 4);
        again.accept(neuron(1, 1, 0, 0.3f), P1, 0);
        assertEquals(1, again.accept(sealed(1), E, 0).assembled().size());
        assertEquals(List.of(1), store.assembledEpochs("r"));
    }

    @Test
    void shouldExportAllEpochsAsCsvAndJsonLines() throws Exception {
        TraceStore store = new TraceStore(dir);
        EpochAssembler assembler = new EpochAssembler(store);
        assembler.accept(started(), R, 0);
        for (int e : List.of(0, 2)) {
            assembler.accept(neuron(e, 0, 0, 0.1f), P0, 0);
            assembler.accept(neuron(e, 0, 1, 0.2f), P0, 1);
            assembler.accept(neuron(e, 1, 0, 0.3f), P1, 0);
            assembler.accept(sealed(e), E, 0);
        }
        TraceReader reader = new TraceReader(store);
        List<String> csv = Files.readAllLines(reader.export("r", TraceReader.Format.CSV, dir.resolve("x.csv")));
        assertEquals(7, csv.size());
        assertTrue(csv.get(0).startsWith("epoch,layer,layer_index,neuron"), csv.get(0));
        assertTrue(csv.get(1).startsWith("0,input,0,0"), csv.get(1));
        assertTrue(csv.get(6).startsWith("2,output,1,0"), csv.get(6));
        List<String> jsonl = Files.readAllLines(reader.export("r", TraceReader.Format.JSON, dir.resolve("x.jsonl")));
        assertEquals(6, jsonl.size());
        assertTrue(jsonl.get(5).contains("\"weights\":[0.1,0.2]"), jsonl.get(5));
    }

    @Test
    void shouldHoldRecordsOfARunNotYetStartedAndAssembleThemOnceItStarts() {
        TraceStore store = new TraceStore(dir);
        EpochAssembler assembler = new EpochAssembler(store);
        assembler.accept(neuron(1, 0, 0, 0.1f), P0, 0);
        assembler.accept(neuron(1, 0, 1, 0.2f), P0, 1);
        assembler.accept(neuron(1, 1, 0, 0.3f), P1, 0);
        assertTrue(assembler.accept(sealed(1), E, 0).assembled().isEmpty(), "complete, but its run is not known yet");
        EpochAssembler.Outcome outcome = assembler.accept(started(), R, 0);
        assertEquals(1, outcome.assembled().size());
        assertEquals(List.of(1), store.assembledEpochs("r"));
    }

    @Test
    void shouldRejectRecordsThatDoNotFitTheirRunWithTheReason() {
        TraceStore store = new TraceStore(dir);
        EpochAssembler assembler = new EpochAssembler(store);
        assembler.accept(started(), R, 0);
        EpochSealed empty = EpochSealed.newBuilder(sealed(1)).setSnapshotsPerLayer(List.of()).build();
        assertReason(assembler.accept(empty, E, 1), "do not match the run's layer widths [2, 1]");
        assertReason(assembler.accept(sealed(7), E, 2), "epoch 7 is not among the run's scanned epochs");
        assertReason(assembler.accept(neuron(1, 1, 5, 0f), P1, 1), "neuron 5 is outside the layer's 0..0");
        NeuronSnapshot strayLayer = NeuronSnapshot.newBuilder(neuron(1, 1, 0, 0f)).setLayer("hidden_9").build();
        assertReason(assembler.accept(strayLayer, P1, 2), "'hidden_9' is not a layer of the run");
        NeuronSnapshot shortWeights = NeuronSnapshot.newBuilder(neuron(1, 1, 0, 0f)).setWeights(List.of(1f)).build();
        assertReason(assembler.accept(shortWeights, P1, 3), "1 incoming weights where the run has 2");
        NeuronSnapshot unknownRun = NeuronSnapshot.newBuilder(neuron(1, 0, 0, 0f)).setRunId("../etc").build();
        assertThrows(IllegalArgumentException.class, () -> assembler.accept(unknownRun, P0, 9), "not a run id");
        assertEquals(0, assembler.pendingEpochs(), "nothing rejected is held");
        assertEquals(List.of(), store.assembledEpochs("r"));
    }

    @Test
    void shouldGiveUpTheIncompleteEpochOfAFailedRunAfterTheGraceKeepingWhatWasComplete() {
        TraceStore store = new TraceStore(dir);
        Clock clock = new Clock();
        EpochAssembler assembler = new EpochAssembler(store, Duration.ofSeconds(30), Duration.ofMinutes(10), clock);
        assembler.accept(started(), R, 0);
        assembler.accept(neuron(0, 0, 0, 0.1f), P0, 0);
        assembler.accept(neuron(0, 0, 1, 0.2f), P0, 1);
        assembler.accept(neuron(0, 1, 0, 0.3f), P1, 0);
        assertEquals(1, assembler.accept(sealed(0), E, 0).assembled().size());
        EpochSealed emptyOfStored = EpochSealed.newBuilder(sealed(0)).setSnapshotsPerLayer(List.of()).build();
        assertReason(assembler.accept(emptyOfStored, E, 9), "do not match"); // refused, not announced again
        assembler.accept(neuron(1, 0, 0, 0.1f), P0, 2); // the trainer died here
        assembler.accept(failed(), R, 1);
        clock.now += 29_000;
        assertTrue(assembler.releaseStale().rejected().isEmpty(), "still within the grace");
        assertEquals(2, assembler.safeOffset(P0, 3), "the held record pins its partition");
        clock.now += 2_000;
        EpochAssembler.Outcome released = assembler.releaseStale();
        assertEquals(1, released.rejected().size());
        assertTrue(released.rejected().get(0).reason().contains("E_1 of run r (layers stored: none; 1 snapshots of layers still arriving; never sealed)"),
                released.rejected().get(0).reason());
        assertEquals("E_1/L_input/n_0", released.rejected().get(0).key());
        assertEquals(0, assembler.pendingEpochs());
        assertEquals(3, assembler.safeOffset(P0, 3), "offsets move on");
        assertEquals(List.of(0), store.assembledEpochs("r"), "the complete epoch stays");
        assertEquals(TraceStore.RunStatus.FAILED, store.runStatus("r"));
    }

    @Test
    void shouldMarkARunSilentForTheAbandonTimeAbandonedAndReleaseItsEpochs() {
        TraceStore store = new TraceStore(dir);
        Clock clock = new Clock();
        EpochAssembler assembler = new EpochAssembler(store, Duration.ofSeconds(30), Duration.ofMinutes(10), clock);
        assembler.accept(started(), R, 0);
        assembler.accept(neuron(2, 0, 0, 0.1f), P0, 0);
        NeuronSnapshot ghost = NeuronSnapshot.newBuilder(neuron(1, 0, 0, 0f)).setRunId("never-started").build();
        assembler.accept(ghost, P0, 1);
        clock.now += 9 * 60_000;
        assertTrue(assembler.releaseStale().rejected().isEmpty());
        assertEquals(TraceStore.RunStatus.RUNNING, store.runStatus("r"));
        clock.now += 61_000;
        EpochAssembler.Outcome released = assembler.releaseStale();
        assertEquals(2, released.rejected().size());
        assertTrue(released.rejected().stream().anyMatch(r -> r.reason().contains("never started")), released.toString());
        assertEquals(TraceStore.RunStatus.ABANDONED, store.runStatus("r"));
        assertFalse(store.hasRun("never-started"), "no folder for a run that never started");
        assembler.accept(failed(), R, 1);
        assertEquals(TraceStore.RunStatus.FAILED, store.runStatus("r"), "a RunFinished read later wins");
    }

    static RunFinished failed() {
        return RunFinished.newBuilder().setRunId("r").setFinishedAtMs(2).setStatus(RunStatus.FAILED).setError("killed")
                .setEpochsTrained(1).setScannedEpochs(List.of(0)).setProbePredictions(List.of()).build();
    }

    private static void assertReason(EpochAssembler.Outcome outcome, String reason) {
        assertEquals(1, outcome.rejected().size(), outcome.toString());
        assertTrue(outcome.rejected().get(0).reason().contains(reason), outcome.rejected().get(0).reason());
    }
}
