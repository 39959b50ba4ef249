package io.nnstain.collector.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.store.Duck;
import io.nnstain.store.TraceReader;
import io.nnstain.store.TraceStore;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
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
        assertTrue(assembler.accept(sealed(3), E, 0).isEmpty(), "sealed before its snapshots: wait");
        assertTrue(assembler.accept(neuron(3, 1, 0, 0.3f), P1, 0).isEmpty());
        assertTrue(assembler.accept(neuron(3, 0, 1, 0.2f), P0, 5).isEmpty());
        assertEquals(0, assembler.safeOffset(E, 1), "the seal is not durable yet");
        assertEquals(5, assembler.safeOffset(P0, 6));
        List<EpochAssembled> done = assembler.accept(neuron(3, 0, 0, 0.1f), P0, 6);
        assertEquals(1, done.size());
        assertEquals(3, done.get(0).getRows());
        assertEquals(7, assembler.safeOffset(P0, 7), "nothing pending: commit up to the position");
        assertEquals(List.of(3), store.assembledEpochs("r"));
        TraceReader reader = new TraceReader(store);
        String row = reader.neuron("r", 3, "output", 0).orElseThrow();
        assertTrue(row.contains("\"act_mean\":0.3"), row);
        assertTrue(row.contains("\"class_means\":[0.3,null]"), row);
        assertTrue(row.contains("\"epoch\":3"), row);
    }

    @Test
    void shouldNeverDuplicateRowsWhenRecordsAreRedeliveredOrReplayed() throws Exception {
        TraceStore store = new TraceStore(dir);
        EpochAssembler assembler = new EpochAssembler(store);
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
                        + Duck.literal(store.neuronsFile("r", 1).toString()) + ")")) {
            rs.next();
            assertEquals(3, rs.getInt(1));
            assertEquals(3, rs.getInt(2));
        }
        assertTrue(assembler.duplicatesSkipped() >= 5, "skipped " + assembler.duplicatesSkipped());
        try (var files = Files.list(store.epochDir("r", 1))) {
            assertEquals(List.of("neurons.parquet", "sealed.json"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no staging files left behind");
        }
    }

    @Test
    void shouldExportAllEpochsAsCsvAndJsonLines() throws Exception {
        TraceStore store = new TraceStore(dir);
        EpochAssembler assembler = new EpochAssembler(store);
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
}
