package io.nnstain.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.serde.NeuronRow;
import io.nnstain.schemas.serde.NeuronRowEncoder;
import io.nnstain.schemas.serde.NeuronSnapshotDecoder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeuronRowEncoderTest {

    @Test
    void shouldWriteExactlyTheBytesOfTheGeneratedClass() {
        AvroSerde serde = new AvroSerde();
        NeuronRowEncoder encoder = new NeuronRowEncoder();
        NeuronSnapshotDecoder decoder = new NeuronSnapshotDecoder();
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            boolean input = i % 3 == 0;
            float[] classMeans = floats(random, 1 + random.nextInt(12));
            float[] weights = input ? new float[0] : floats(random, random.nextInt(300));
            NeuronRow row = new NeuronRow("run-" + i, random.nextInt(1000), input ? "input" : "hidden_" + (1 + i % 4),
                    i % 5, random.nextInt(2000), random.nextLong(), random.nextFloat(), random.nextFloat(),
                    -random.nextFloat(), random.nextFloat(), i % 7 == 0 ? Float.NaN : random.nextFloat(), classMeans,
                    input ? null : random.nextFloat(), weights, i % 2 == 0 ? null : random.nextFloat(),
                    i % 4 == 0 ? null : -random.nextFloat(), i % 5 == 0 ? null : random.nextFloat(),
                    input || i % 2 == 0 ? null : floats(random, weights.length));
            byte[] fast = encoder.encode(row);
            assertArrayEquals(serde.encode(row.toSnapshot()), fast, "row " + i);
            assertEquals(row.toSnapshot().toString(), serde.decode(fast, NeuronSnapshot.class).toString());
            // and the collector's decoder reads back what Avro's reader reads
            assertEquals(serde.decode(fast, NeuronSnapshot.class).toString(), decoder.decode(fast).toString(), "row " + i);
        }
    }

    @Test
    void shouldLeaveOtherRecordsToAvrosReaderAndRefuseBrokenOnes() {
        AvroSerde serde = new AvroSerde();
        NeuronSnapshotDecoder decoder = new NeuronSnapshotDecoder();
        byte[] sealed = serde.encode(io.nnstain.schemas.avro.EpochSealed.newBuilder().setRunId("r").setEpoch(1)
                .setSnapshotsPerLayer(java.util.List.of(1)).setBatchesSent(0).setTrainAccuracy(0)
                .setTrainClassAccuracy(java.util.List.of()).setValidationLoss(0).setValidationAccuracy(0)
                .setValidationClassAccuracy(java.util.List.of()).setEpochTimeMs(0).setProbeTimeMs(0).build());
        assertEquals(null, decoder.decode(sealed), "not a NeuronSnapshot: left to AvroSerde");
        assertEquals(null, decoder.decode(new byte[] {1, 2}));
        byte[] whole = new NeuronRowEncoder().encode(new NeuronRow("r", 1, "hidden_1", 1, 0, 1, 0, 0, 0, 0, 0,
                new float[] {1}, 0f, new float[] {1, 2}, null, null, null, null));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 3);
        org.junit.jupiter.api.Assertions.assertThrows(AvroSerde.BadRecordException.class, () -> decoder.decode(cut));
        byte[] longer = java.util.Arrays.copyOf(whole, whole.length + 2);
        org.junit.jupiter.api.Assertions.assertThrows(AvroSerde.BadRecordException.class, () -> decoder.decode(longer));
    }

    private static float[] floats(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
