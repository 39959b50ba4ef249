package io.nnstain.schemas.serde;

import io.nnstain.schemas.avro.NeuronSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes a {@link NeuronRow} as the single-object encoding of the equivalent {@link NeuronSnapshot}, field by
 * field in schema order, without boxing its vectors. The hot path of the probe; a test holds its bytes equal
 * to {@link AvroSerde}'s for the same snapshot, so a schema change that it misses fails the build.
 * Not thread-safe: one per thread.
 */
public final class NeuronRowEncoder {

    private static final byte[] HEADER = header();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private BinaryEncoder encoder;

    private static byte[] header() {
        ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0xC3).put((byte) 0x01).putLong(SchemaNormalization.parsingFingerprint64(NeuronSnapshot.getClassSchema()));
        return b.array();
    }

    public byte[] encode(NeuronRow r) {
        out.reset();
        out.writeBytes(HEADER);
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        try {
            encoder.writeString(r.runId());
            encoder.writeInt(r.epoch());
            encoder.writeString(r.layer());
            encoder.writeInt(r.layerIndex());
            encoder.writeInt(r.neuron());
            encoder.writeLong(r.samples());
            encoder.writeFloat(r.actMean());
            encoder.writeFloat(r.actStd());
            encoder.writeFloat(r.actMin());
            encoder.writeFloat(r.actMax());
            encoder.writeFloat(r.zeroFraction());
            floats(r.classMeans());
            optional(r.bias());
            floats(r.weights());
            optional(r.gradWeightNorm());
            optional(r.gradBias());
            optional(r.weightChange());
            if (r.gradWeightMean() == null) {
                encoder.writeIndex(0);
                encoder.writeNull();
            } else {
                encoder.writeIndex(1);
                floats(r.gradWeightMean());
            }
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void floats(float[] values) throws IOException {
        encoder.writeArrayStart();
        encoder.setItemCount(values.length);
        for (float v : values) {
            encoder.startItem();
            encoder.writeFloat(v);
        }
        encoder.writeArrayEnd();
    }

    /** A ["null", "float"] union. */
    private void optional(Float value) throws IOException {
        if (value == null) {
            encoder.writeIndex(0);
            encoder.writeNull();
        } else {
            encoder.writeIndex(1);
            encoder.writeFloat(value);
        }
    }
}
