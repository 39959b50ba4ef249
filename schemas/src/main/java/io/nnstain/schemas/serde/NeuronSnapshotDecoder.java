package io.nnstain.schemas.serde;

import io.nnstain.schemas.avro.NeuronSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads a NeuronSnapshot written with the current schema field by field, its vectors into {@link Floats}
 * (lists over a {@code float[]}): the collector's hot path, where Avro's generic reader boxes every weight. A
 * record of another schema (an older release) gives null, for {@link AvroSerde} to resolve; a test holds the
 * result equal to AvroSerde's for the same bytes. Not thread-safe: one per thread.
 */
public final class NeuronSnapshotDecoder {

    private static final long FINGERPRINT = SchemaNormalization.parsingFingerprint64(NeuronSnapshot.getClassSchema());
    private static final int HEADER = 10;

    private BinaryDecoder decoder;

    /**
     * @return the snapshot, or null when the bytes are not a NeuronSnapshot of the current schema
     * @throws AvroSerde.BadRecordException when they claim to be one but do not decode
     */
    public NeuronSnapshot decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01
                || ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() != FINGERPRINT) {
            return null;
        }
        decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, decoder);
        try {
            NeuronSnapshot s = new NeuronSnapshot();
            s.setRunId(decoder.readString());
            s.setEpoch(decoder.readInt());
            s.setLayer(decoder.readString());
            s.setLayerIndex(decoder.readInt());
            s.setNeuron(decoder.readInt());
            s.setSamples(decoder.readLong());
            s.setActMean(decoder.readFloat());
            s.setActStd(decoder.readFloat());
            s.setActMin(decoder.readFloat());
            s.setActMax(decoder.readFloat());
            s.setZeroFraction(decoder.readFloat());
            s.setClassMeans(floats());
            s.setBias(optional());
            s.setWeights(floats());
            s.setGradWeightNorm(optional());
            s.setGradBias(optional());
            s.setWeightChange(optional());
            s.setGradWeightMean(union() ? floats() : null);
            if (!decoder.isEnd()) {
                throw new IOException((bytes.length - HEADER) + " bytes hold more than a NeuronSnapshot");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            throw new AvroSerde.BadRecordException("payload does not decode as NeuronSnapshot: " + e, e);
        }
    }

    private Floats floats() throws IOException {
        float[] values = new float[0];
        int n = 0;
        for (long block = decoder.readArrayStart(); block != 0; block = decoder.arrayNext()) {
            if (block < 0 || n + block > io.nnstain.schemas.topics.Topics.MAX_RECORD_BYTES) {
                throw new IOException("an array of more than " + io.nnstain.schemas.topics.Topics.MAX_RECORD_BYTES + " floats");
            }
            values = Arrays.copyOf(values, (int) (n + block));
            for (long i = 0; i < block; i++) {
                values[n++] = decoder.readFloat();
            }
        }
        return new Floats(values);
    }

    private boolean union() throws IOException {
        int branch = decoder.readIndex();
        if (branch != 0 && branch != 1) {
            throw new IOException("union branch " + branch + " of a [null, …] union");
        }
        return branch == 1;
    }

    private Float optional() throws IOException {
        return union() ? decoder.readFloat() : null;
    }

    /** A read-only list of floats over an array, handed over without boxing ({@link #array()}). */
    public static final class Floats extends AbstractList<Float> implements RandomAccess {

        private final float[] values;

        public Floats(float[] values) {
            this.values = values;
        }

        /** The floats themselves (not a copy): do not change them. */
        public float[] array() {
            return values;
        }

        @Override
        public Float get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }

        /** The floats of any list, without a copy when it is a {@link Floats}. */
        public static float[] of(List<Float> list) {
            if (list instanceof Floats f) {
                return f.values;
            }
            float[] out = new float[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = list.get(i);
            }
            return out;
        }
    }
}
