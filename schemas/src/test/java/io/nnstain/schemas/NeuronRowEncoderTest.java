package io.nnstain.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.serde.NeuronRow;
import io.nnstain.schemas.serde.NeuronRowEncoder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeuronRowEncoderTest {

    @Test
    void shouldWriteExactlyTheBytesOfTheGeneratedClass() {
        AvroSerde serde = new AvroSerde();
        NeuronRowEncoder encoder = new NeuronRowEncoder();
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
        }
    }

    private static float[] floats(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
