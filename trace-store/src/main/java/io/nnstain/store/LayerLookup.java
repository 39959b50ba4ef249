package io.nnstain.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A layer's snapshots as the trainer encoded them, one after another, with an index by neuron at the end:
 * {@code neurons-<layer>.lookup} beside the layer's Parquet file. A signature is answered from it with two
 * positioned reads (the footer is read once per file and kept), where a query of the Parquet file decompresses
 * a whole row group of 2048 rows (~6 ms on a 16384-neuron layer, measured).
 *
 * <pre>
 * [record bytes ...][index: per neuron, start (long) and length (int)][width (int)][magic "NNLOOK01"]
 * </pre>
 *
 * The bytes are the Avro single-object encoding each record arrived in, so a lookup decodes any schema the
 * trace's readers decode.
 */
public final class LayerLookup {

    static final byte[] MAGIC = "NNLOOK01".getBytes(StandardCharsets.US_ASCII);
    private static final int FOOTER = Integer.BYTES + MAGIC.length;
    private static final int ENTRY = Long.BYTES + Integer.BYTES;

    private LayerLookup() {
    }

    /** The bytes stored for {@code neuron}, or null when the layer has no such neuron. */
    public static byte[] read(Path file, int neuron) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Footer footer = footer(file, ch);
            if (neuron < 0 || neuron >= footer.width()) {
                return null;
            }
            ByteBuffer entry = ByteBuffer.allocate(ENTRY);
            readFully(ch, entry, footer.indexAt() + (long) neuron * ENTRY);
            return record(file, ch, footer, neuron, entry.getLong(0), entry.getInt(Long.BYTES));
        }
    }

    /** Where a lookup file's index starts and how many neurons it has. */
    private record Footer(long indexAt, int width) {
    }

    private static Footer footer(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer footer = ByteBuffer.allocate(FOOTER);
        readFully(ch, footer, size - FOOTER);
        if (!Arrays.equals(Arrays.copyOfRange(footer.array(), Integer.BYTES, FOOTER), MAGIC)) {
            throw new IOException(file + " is not a lookup file (no " + new String(MAGIC, StandardCharsets.US_ASCII)
                    + " at its end)");
        }
        int width = footer.getInt(0);
        return new Footer(size - FOOTER - (long) width * ENTRY, width);
    }

    /** The record an index entry points at, checked to lie before the index. */
    private static byte[] record(Path file, FileChannel ch, Footer footer, int neuron, long start, int length)
            throws IOException {
        if (length < 0 || start < 0 || start + length > footer.indexAt()) {
            throw new IOException(file + " has a broken index entry for neuron " + neuron);
        }
        ByteBuffer bytes = ByteBuffer.allocate(length);
        readFully(ch, bytes, start);
        return bytes.array();
    }

    /** What {@link #forEach} hands each stored record to. */
    @FunctionalInterface
    interface RecordHandler {
        void handle(int neuron, byte[] encoded) throws IOException;
    }

    /**
     * Hands every stored record to {@code handler}, by neuron, one read each: a whole layer is never in memory
     * at once. Neurons the layer has no record for are skipped.
     */
    static void forEach(Path file, RecordHandler handler) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Footer footer = footer(file, ch);
            ByteBuffer index = ByteBuffer.allocate(footer.width() * ENTRY);
            readFully(ch, index, footer.indexAt());
            for (int n = 0; n < footer.width(); n++) {
                int length = index.getInt(n * ENTRY + Long.BYTES);
                if (length != 0) {
                    handler.handle(n, record(file, ch, footer, n, index.getLong(n * ENTRY), length));
                }
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        if (position < 0) {
            throw new IOException("a lookup file too short to hold its footer");
        }
        while (buffer.hasRemaining()) {
            int n = ch.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("a lookup file ended early");
            }
        }
    }

    /**
     * Appends a layer's records as they arrive (any order) to a staging file, then writes the index and renames
     * it into place. Holds a start and a length per neuron; not thread-safe.
     */
    static final class Writer implements AutoCloseable {

        private final Path target;
        private final Path staging;
        private final java.io.OutputStream out;
        private long[] starts = new long[0];
        private int[] lengths = new int[0];
        private long position;

        /** @param target the lookup file it becomes ({@link #finish}) */
        Writer(Path target) {
            this.target = target;
            try {
                Files.createDirectories(target.getParent());
                staging = TraceStore.stagingFor(target);
                out = new java.io.BufferedOutputStream(Files.newOutputStream(staging, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), 256 * 1024);
            } catch (IOException e) {
                throw new UncheckedIOException("could not stage a lookup file in " + target.getParent(), e);
            }
        }

        void add(int neuron, byte[] encoded) {
            if (neuron >= starts.length) {
                int size = Math.max(neuron + 1, starts.length * 2);
                starts = Arrays.copyOf(starts, size);
                lengths = Arrays.copyOf(lengths, size);
            }
            try {
                out.write(encoded);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + staging, e);
            }
            starts[neuron] = position;
            lengths[neuron] = encoded.length;
            position += encoded.length;
        }

        /** Writes the index for neurons 0 to width - 1 and renames the file into place. */
        void finish(int width) throws IOException {
            ByteBuffer index = ByteBuffer.allocate(width * ENTRY + FOOTER);
            for (int n = 0; n < width; n++) {
                index.putLong(n < starts.length ? starts[n] : 0);
                index.putInt(n < lengths.length ? lengths[n] : 0);
            }
            index.putInt(width).put(MAGIC);
            out.write(index.array());
            out.close();
            TraceStore.moveAtomically(staging, target);
        }

        @Override
        public void close() {
            try {
                out.close();
                Files.deleteIfExists(staging);
            } catch (IOException e) {
                throw new UncheckedIOException("could not remove " + staging, e);
            }
        }
    }
}
