package io.nnstain.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStatus;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.serde.AvroSerde.BadRecordException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final AvroSerde serde = new AvroSerde();

    static NeuronSnapshot neuron() {
        return NeuronSnapshot.newBuilder().setRunId("r1").setEpoch(3).setLayer("hidden_1").setLayerIndex(1)
                .setNeuron(5).setSamples(100).setActMean(0.5f).setActStd(0.1f).setActMin(0f).setActMax(1f)
                .setZeroFraction(0.25f).setClassMeans(List.of(0.1f, 0.9f)).setBias(0.01f)
                .setWeights(List.of(1f, -2f, 3f)).setGradWeightNorm(0.3f).setGradBias(-0.02f).setWeightChange(0.7f)
                .build();
    }

    @Test
    void shouldRoundTripEveryRecordTypeByFingerprint() {
        NeuronSnapshot n = neuron();
        RunFinished f = RunFinished.newBuilder().setRunId("r1").setFinishedAtMs(1).setStatus(RunStatus.COMPLETED)
                .setEpochsTrained(3).setScannedEpochs(List.of(0, 1)).setProbePredictions(List.of(1, 0)).build();
        EpochAssembled a = EpochAssembled.newBuilder().setRunId("r1").setEpoch(1).setRows(3).setPath("/x")
                .setAssembledAtMs(2).build();
        for (SpecificRecord r : List.of(n, f, a)) {
            assertEquals(r, serde.decode(serde.encode(r)));
        }
        assertEquals(n, serde.decode(serde.encode(n), NeuronSnapshot.class));
    }

    @Test
    void shouldWriteTheStandardSingleObjectEncodingThatAnyAvroLibraryReads() throws Exception {
        NeuronSnapshot n = neuron();
        byte[] bytes = serde.encode(n);
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        // Avro's own decoder, with the schema parsed from the published .avsc file
        Schema schema = new Schema.Parser().parse(getClass().getResourceAsStream("/avro/NeuronSnapshot.avsc"));
        assertEquals(SchemaNormalization.parsingFingerprint64(schema),
                SchemaNormalization.parsingFingerprint64(NeuronSnapshot.getClassSchema()));
        GenericData.Record generic = new BinaryMessageDecoder<GenericData.Record>(GenericData.get(), schema)
                .decode(ByteBuffer.wrap(bytes));
        assertEquals("hidden_1", generic.get("layer").toString());
        assertEquals(5, generic.get("neuron"));
        assertArrayEquals(bytes, NeuronSnapshot.getEncoder().encode(n).array());
    }

    @Test
    void shouldRejectGarbageWithAMessageSayingWhatWasExpected() {
        BadRecordException shortOne = assertThrows(BadRecordException.class, () -> serde.decode(new byte[] {1, 2}));
        assertTrue(shortOne.getMessage().contains("too short"));
        BadRecordException marker = assertThrows(BadRecordException.class, () -> serde.decode(new byte[12]));
        assertTrue(marker.getMessage().contains("marker C3 01"));
        byte[] unknown = new byte[12];
        unknown[0] = (byte) 0xC3;
        unknown[1] = 0x01;
        BadRecordException fp = assertThrows(BadRecordException.class, () -> serde.decode(unknown));
        assertTrue(fp.getMessage().contains("unknown schema fingerprint"));
        byte[] truncated = serde.encode(neuron());
        byte[] cut = java.util.Arrays.copyOf(truncated, 14);
        assertThrows(BadRecordException.class, () -> serde.decode(cut));
        assertThrows(BadRecordException.class, () -> serde.decode(serde.encode(neuron()), RunFinished.class));
    }

    @Test
    void shouldDecodeARecordWrittenWithAReleasedSchemaIntoTheCurrentClass() throws Exception {
        // Given a NeuronSnapshot and a RunFinished as a producer of release 0.1.0 wrote them (no grad_weight_mean,
        // no divergence: their schemas, and so their fingerprints, differ from today's)
        for (Class<? extends SpecificRecord> type : List.of(NeuronSnapshot.class, RunFinished.class)) {
            Schema old = AvroSerde.releasedSchema("0.1.0", type);
            SpecificRecord current = type == NeuronSnapshot.class ? neuron() : RunFinished.newBuilder().setRunId("r1")
                    .setFinishedAtMs(1).setStatus(RunStatus.FAILED).setError("x").setEpochsTrained(3)
                    .setScannedEpochs(List.of(0, 1)).setProbePredictions(List.of(1, 0)).build();
            org.apache.avro.generic.GenericRecord written = new GenericData.Record(old);
            for (Schema.Field f : old.getFields()) {
                written.put(f.name(), GenericData.get().deepCopy(f.schema(), current.get(current.getSchema().getField(f.name()).pos())));
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.write(new byte[] {(byte) 0xC3, 0x01});
            out.write(ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putLong(SchemaNormalization.parsingFingerprint64(old)).array());
            var enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
            new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(old).write(written, enc);
            enc.flush();
            // When today's serde decodes it
            SpecificRecord read = serde.decode(out.toByteArray());
            // Then it is today's class, with what the old schema had and the new fields at their defaults
            assertEquals(type, read.getClass());
            for (Schema.Field f : old.getFields()) {
                assertEquals(current.get(current.getSchema().getField(f.name()).pos()),
                        read.get(read.getSchema().getField(f.name()).pos()), type.getSimpleName() + "." + f.name());
            }
        }
        NeuronSnapshot n = (NeuronSnapshot) serde.decode(serde.encode(neuron()));
        assertEquals(null, n.getGradWeightMean());
    }
}
