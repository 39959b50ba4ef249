package io.nnstain.e2e;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.avro.RunStatus;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.serde.AvroSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;

/**
 * Seeded poison for a consumed topic: random bytes, an unknown schema fingerprint, truncated records, records
 * whose first collection (or, without one, first string) claims about a billion items, and well-formed records
 * that belong to no run or to no scanned epoch (stray and empty seals).
 */
final class Poison {

    /** The kinds, in the order {@link #record} cycles through them. */
    enum Kind { RANDOM_BYTES, UNKNOWN_FINGERPRINT, TRUNCATED, HUGE_COUNT, UNKNOWN_RUN, STRAY_SEAL, EMPTY_SEAL }

    private final AvroSerde serde = new AvroSerde();
    private final Random random;
    private final String knownRun;

    /**
     * @param knownRun a run that exists, for stray and empty seals of it
     */
    Poison(long seed, String knownRun) {
        this.random = new Random(seed);
        this.knownRun = knownRun;
    }

    /** The i-th poison record for a topic carrying {@code type}. */
    byte[] record(Class<? extends SpecificRecord> type, int i) {
        Kind[] kinds = type == EpochSealed.class ? Kind.values() : Arrays.copyOf(Kind.values(), 5);
        return switch (kinds[i % kinds.length]) {
            case RANDOM_BYTES -> randomBytes(random.nextInt(300));
            case UNKNOWN_FINGERPRINT -> {
                byte[] b = randomBytes(10 + random.nextInt(100));
                b[0] = (byte) 0xC3;
                b[1] = 0x01;
                yield b;
            }
            case TRUNCATED -> {
                byte[] valid = serde.encode(wellFormed(type, "poison-" + i));
                yield Arrays.copyOf(valid, 10 + random.nextInt(valid.length - 10));
            }
            case HUGE_COUNT -> hugeCount(AvroSerde.schemaOf(type));
            case UNKNOWN_RUN -> serde.encode(wellFormed(type, "no-such-run-" + i));
            case STRAY_SEAL -> serde.encode(EpochSealed.newBuilder(seal(knownRun, List.of(2, 16, 16, 2)))
                    .setEpoch(100_000 + i).build());
            case EMPTY_SEAL -> serde.encode(seal(knownRun, List.of()));
        };
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A well-formed record of {@code type} for {@code run}. */
    static SpecificRecord wellFormed(Class<? extends SpecificRecord> type, String run) {
        if (type == NeuronSnapshot.class) {
            return NeuronSnapshot.newBuilder().setRunId(run).setEpoch(1).setLayer("hidden_1").setLayerIndex(1).setNeuron(0)
                    .setSamples(10).setActMean(0.1f).setActStd(0.1f).setActMin(0).setActMax(1).setZeroFraction(0)
                    .setClassMeans(List.of(0.1f, 0.2f)).setBias(0f).setWeights(List.of(0.1f, 0.2f)).build();
        }
        if (type == EpochSealed.class) {
            return seal(run, List.of(2, 1));
        }
        if (type == BatchSnapshot.class) {
            return BatchSnapshot.newBuilder().setRunId(run).setEpoch(1).setBatch(0).setLayer("input").setLayerIndex(0)
                    .setBatchSize(8).setLoss(0.5).setNeuronMeans(List.of(0.1f, 0.2f)).setZeroFraction(0).build();
        }
        if (type == RunStarted.class || type == RunFinished.class) {
            // RunStarted of an unknown run would start it: on the runs topic the poison is a RunFinished
            return RunFinished.newBuilder().setRunId(run).setFinishedAtMs(1).setStatus(RunStatus.COMPLETED)
                    .setEpochsTrained(1).setScannedEpochs(List.of(0, 1)).setProbePredictions(List.of()).build();
        }
        if (type == EpochAssembled.class) {
            return EpochAssembled.newBuilder().setRunId(run).setEpoch(1).setRows(3).setPath("/nowhere")
                    .setAssembledAtMs(1).build();
        }
        if (type == StructureSnapshot.class) {
            return StructureSnapshot.newBuilder().setRunId(run).setEpoch(1).setRule("z-plus").setCoverage(0.8)
                    .setMaxFraction(0.1).setClasses(List.of()).setStains(List.of()).setAnalysedAtMs(1).build();
        }
        throw new IllegalArgumentException(type.getSimpleName());
    }

    static EpochSealed seal(String run, List<Integer> perLayer) {
        return EpochSealed.newBuilder().setRunId(run).setEpoch(1).setSnapshotsPerLayer(perLayer).setBatchesSent(0)
                .setTrainAccuracy(0.5).setTrainClassAccuracy(List.of(0.5, 0.5)).setValidationLoss(1)
                .setValidationAccuracy(0.5).setValidationClassAccuracy(List.of(0.5, 0.5)).setEpochTimeMs(1)
                .setProbeTimeMs(0).build();
    }

    /**
     * Header of the schema, then minimal values up to its first collection, whose count is 2^30; a schema
     * without collections gets that as the length of its first string instead.
     */
    static byte[] hugeCount(Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 0xC3).put((byte) 0x01).putLong(SchemaNormalization.parsingFingerprint64(schema));
        out.writeBytes(header.array());
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            if (!writeUntilHuge(schema, enc, !hasCollection(schema))) {
                throw new IllegalArgumentException(schema.getName() + " has neither collection nor string");
            }
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static final long HUGE = 1L << 30;

    /** True once the huge count was written. */
    private static boolean writeUntilHuge(Schema s, BinaryEncoder enc, boolean atFirstString) throws IOException {
        switch (s.getType()) {
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    if (writeUntilHuge(f.schema(), enc, atFirstString)) {
                        return true;
                    }
                }
            }
            case ARRAY, MAP -> {
                enc.writeLong(HUGE);
                return true;
            }
            case STRING, BYTES -> {
                if (atFirstString) {
                    enc.writeLong(HUGE);
                    return true;
                }
                enc.writeString("r");
            }
            case INT -> enc.writeInt(1);
            case LONG -> enc.writeLong(1);
            case FLOAT -> enc.writeFloat(0);
            case DOUBLE -> enc.writeDouble(0);
            case BOOLEAN -> enc.writeBoolean(false);
            case ENUM -> enc.writeEnum(0);
            case UNION -> {
                enc.writeIndex(0);
                return writeUntilHuge(s.getTypes().get(0), enc, atFirstString);
            }
            default -> {
            }
        }
        return false;
    }

    private static boolean hasCollection(Schema s) {
        return switch (s.getType()) {
            case ARRAY, MAP -> true;
            case RECORD -> s.getFields().stream().anyMatch(f -> hasCollection(f.schema()));
            case UNION -> s.getTypes().stream().anyMatch(Poison::hasCollection);
            default -> false;
        };
    }
}
