package io.nnstain.schemas.serde;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one serde of the contract: Avro binary in the single-object encoding (marker {@code C3 01}, the
 * schema's 8-byte CRC-64-AVRO fingerprint little-endian, then the payload). Every message thus names its
 * schema, and any Avro library can decode it with the {@code .avsc} files of this module.
 *
 * <p>Decoding picks the record class by fingerprint, so a topic may carry several record types (RunStarted
 * and RunFinished on {@code nnstain.runs}). Encoders and decoders are reused per thread.
 */
public final class AvroSerde {

    /** Every record type of the contract. */
    public static final List<Class<? extends SpecificRecord>> RECORD_TYPES = List.of(RunStarted.class,
            RunFinished.class, NeuronSnapshot.class, EpochSealed.class, BatchSnapshot.class, EpochAssembled.class,
            StructureSnapshot.class);

    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;
    private static final int HEADER = 10;

    static {
        // Avro 1.12 refuses to instantiate generated classes outside declared trusted packages.
        String key = "org.apache.avro.SERIALIZABLE_PACKAGES";
        String own = RunStarted.class.getPackageName();
        String current = System.getProperty(key);
        if (current == null || current.isBlank()) {
            System.setProperty(key, own);
        } else if (!current.contains(own)) {
            System.setProperty(key, current + "," + own);
        }
        // Bounded decoding: a crafted item count must not allocate until OutOfMemoryError. No record can hold
        // more items or bytes than the brokers take in one record (every item of our schemas takes at least
        // a byte), and the largest real collections — a layer of RunSpec.MAX_WIDTH weights and their mean
        // gradients, a run's scanned epochs (up to RunSpec.MAX_EPOCHS + 1) — are far below that. Read by Avro
        // once, when it first decodes; an explicit setting is kept.
        for (String limit : List.of(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY,
                SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, SystemLimitException.MAX_STRING_LENGTH_PROPERTY)) {
            if (System.getProperty(limit) == null) {
                System.setProperty(limit, String.valueOf(Topics.MAX_RECORD_BYTES));
            }
        }
    }

    private final Map<Long, SpecificDatumReader<SpecificRecord>> readers = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Class<?>, Writer> writers = new HashMap<>();
    private final ThreadLocal<BinaryEncoder> encoder = new ThreadLocal<>();
    private final ThreadLocal<BinaryDecoder> decoder = new ThreadLocal<>();

    private record Writer(byte[] header, SpecificDatumWriter<SpecificRecord> datumWriter) {
    }

    public AvroSerde() {
        for (Class<? extends SpecificRecord> type : RECORD_TYPES) {
            Schema schema = schemaOf(type);
            long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
            readers.put(fingerprint, new SpecificDatumReader<>(schema));
            names.put(fingerprint, schema.getFullName());
            ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            header.put(MARKER_0).put(MARKER_1).putLong(fingerprint);
            writers.put(type, new Writer(header.array(), new SpecificDatumWriter<>(schema)));
            // records written by producers of an earlier release name that release's schema: read them with it
            // and resolve them to the current one (schemas evolve only compatibly, SchemaCompatibilityTest)
            for (String release : RELEASES) {
                Schema old = releasedSchema(release, type);
                if (old != null) {
                    long oldFingerprint = SchemaNormalization.parsingFingerprint64(old);
                    if (oldFingerprint != fingerprint) {
                        readers.put(oldFingerprint, new SpecificDatumReader<>(old, schema));
                        names.put(oldFingerprint, schema.getFullName() + " of release " + release);
                    }
                }
            }
        }
    }

    /** The releases whose schemas are kept under {@code released/<version>/} (resources of this module). */
    public static final List<String> RELEASES = List.of("0.1.0");

    /** A type's schema as released in {@code version}, or null when that release did not have the type. */
    public static Schema releasedSchema(String version, Class<? extends SpecificRecord> type) {
        try (java.io.InputStream in = AvroSerde.class.getResourceAsStream("/released/" + version + "/"
                + type.getSimpleName() + ".avsc")) {
            return in == null ? null : new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the released schema of " + type.getSimpleName(), e);
        }
    }

    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        try {
            return (Schema) type.getField("SCHEMA$").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(type + " is not a generated Avro record", e);
        }
    }

    public byte[] encode(SpecificRecord record) {
        Writer writer = writers.get(record.getClass());
        if (writer == null) {
            throw new IllegalArgumentException(record.getClass().getName() + " is not a record type of the contract");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(writer.header());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, encoder.get());
        encoder.set(enc);
        try {
            writer.datumWriter().write(record, enc);
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decodes a single-object-encoded record of any contract type; throws {@link BadRecordException}. */
    public SpecificRecord decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER) {
            throw new BadRecordException("record of " + (bytes == null ? "null" : bytes.length + " bytes")
                    + " is too short for the Avro single-object encoding (10-byte header)");
        }
        if (bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new BadRecordException(String.format(
                    "record does not start with the Avro single-object marker C3 01 (got %02X %02X)", bytes[0], bytes[1]));
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<SpecificRecord> reader = readers.get(fingerprint);
        if (reader == null) {
            throw new BadRecordException(String.format("unknown schema fingerprint %016X; known: %s",
                    fingerprint, names.values()));
        }
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, decoder.get());
        decoder.set(dec);
        try {
            return reader.read(null, dec);
        } catch (IOException | RuntimeException e) {
            throw new BadRecordException("payload does not decode as " + names.get(fingerprint) + ": " + e, e);
        }
    }

    public <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) {
        SpecificRecord record = decode(bytes);
        if (!type.isInstance(record)) {
            throw new BadRecordException("expected " + type.getSimpleName() + " but the record is "
                    + record.getClass().getSimpleName());
        }
        return type.cast(record);
    }

    /** A record that cannot be decoded: consumers send it to the dead-letter topic instead of crashing. */
    public static final class BadRecordException extends RuntimeException {
        public BadRecordException(String message) {
            super(message);
        }

        public BadRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
