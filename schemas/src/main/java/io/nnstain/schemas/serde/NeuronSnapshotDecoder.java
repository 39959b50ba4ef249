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

/**
 * Reads a NeuronSnapshot written with the current schema field by field, straight from the bytes, its vectors
 * into {@link Floats} (lists over a {@code float[]}, copied in bulk): the collector's hot path, where Avro's
 * generic reader boxes every weight and its decoder checks bounds for every float. A
 * record of another schema (an older release) gives null, for {@link AvroSerde} to resolve; a test holds the
 * result equal to AvroSerde's for the same bytes. Not thread-safe: one per thread.
 */
public final class NeuronSnapshotDecoder {

    private static final long FINGERPRINT = SchemaNormalization.parsingFingerprint64(NeuronSnapshot.getClassSchema());
    private static final int HEADER = 10;

    private byte[] buf;
    private int pos;
    private int end;

    /**
     * @return the snapshot, or null when the bytes are not a NeuronSnapshot of the current schema
     * @throws AvroSerde.BadRecordException when they claim to be one but do not decode
     */
    public NeuronSnapshot decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01
                || ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() != FINGERPRINT) {
            return null;
        }
        buf = bytes;
        pos = HEADER;
        end = bytes.length;
        try {
            NeuronSnapshot s = new NeuronSnapshot();
            s.setRunId(string());
            s.setEpoch(intValue());
            s.setLayer(string());
            s.setLayerIndex(intValue());
            s.setNeuron(intValue());
            s.setSamples(longValue());
            s.setActMean(floatValue());
            s.setActStd(floatValue());
            s.setActMin(floatValue());
            s.setActMax(floatValue());
            s.setZeroFraction(floatValue());
            s.setClassMeans(floats());
            s.setBias(optional());
            s.setWeights(floats());
            s.setGradWeightNorm(optional());
            s.setGradBias(optional());
            s.setWeightChange(optional());
            s.setGradWeightMean(union() ? floats() : null);
            if (pos != end) {
                throw new IOException((end - HEADER) + " bytes hold more than a NeuronSnapshot");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            throw new AvroSerde.BadRecordException("payload does not decode as NeuronSnapshot: " + e, e);
        } finally {
            buf = null;
        }
    }

    // Avro's binary encoding, read straight from the array: ints and longs as zig-zag varints, floats as 4
    // little-endian bytes, strings and arrays length-prefixed (arrays in blocks, a negative count followed by
    // the block's size in bytes)

    private long longValue() throws IOException {
        long raw = 0;
        for (int shift = 0; ; shift += 7) {
            if (pos >= end || shift > 63) {
                throw new IOException("a number runs past the record's end or 10 bytes");
            }
            byte b = buf[pos++];
            raw |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
    }

    private int intValue() throws IOException {
        long v = longValue();
        if (v != (int) v) {
            throw new IOException("int out of range: " + v);
        }
        return (int) v;
    }

    private float floatValue() throws IOException {
        need(4);
        float v = Float.intBitsToFloat((buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16
                | (buf[pos + 3] & 0xFF) << 24);
        pos += 4;
        return v;
    }

    private String string() throws IOException {
        int length = intValue();
        if (length < 0) {
            throw new IOException("negative string length " + length);
        }
        need(length);
        String v = new String(buf, pos, length, java.nio.charset.StandardCharsets.UTF_8);
        pos += length;
        return v;
    }

    private void need(long bytes) throws IOException {
        if (bytes > end - pos) {
            throw new IOException("the record ends " + (bytes - (end - pos)) + " bytes early");
        }
    }

    private Floats floats() throws IOException {
        float[] values = new float[0];
        int n = 0;
        for (long block = longValue(); block != 0; block = longValue()) {
            if (block < 0) {
                block = -block;
                longValue(); // the block's size in bytes
            }
            if (n + block > io.nnstain.schemas.topics.Topics.MAX_RECORD_BYTES / 4) {
                throw new IOException("an array of more floats than a record holds");
            }
            need(4 * block);
            values = n == 0 ? new float[(int) block] : Arrays.copyOf(values, (int) (n + block));
            ByteBuffer.wrap(buf, pos, (int) (4 * block)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                    .get(values, n, (int) block);
            pos += (int) (4 * block);
            n += (int) block;
        }
        return new Floats(values);
    }

    private boolean union() throws IOException {
        long branch = longValue();
        if (branch != 0 && branch != 1) {
            throw new IOException("union branch " + branch + " of a [null, …] union");
        }
        return branch == 1;
    }

    private Float optional() throws IOException {
        return union() ? floatValue() : null;
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
