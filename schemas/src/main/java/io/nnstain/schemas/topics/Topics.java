package io.nnstain.schemas.topics;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.topics.Topic.Key;
import io.nnstain.schemas.topics.Topic.Partitioning;
import java.util.List;
import java.util.Set;

/** The typed registry of every topic. Call sites name topics through this class, never as string literals. */
public final class Topics {

    public static final Topic RUNS = new Topic("runs", Key.RUN_ID,
            Set.of(RunStarted.class, RunFinished.class), Partitioning.BY_KEY);
    public static final Topic NEURONS = new Topic("trace.neurons", Key.NETWORK_SIGNATURE,
            Set.of(NeuronSnapshot.class), Partitioning.BY_LAYER);
    public static final Topic EPOCHS = new Topic("trace.epochs", Key.RUN_ID,
            Set.of(EpochSealed.class), Partitioning.BY_KEY);
    public static final Topic BATCHES = new Topic("trace.batches", Key.RUN_ID,
            Set.of(BatchSnapshot.class), Partitioning.BY_KEY);
    public static final Topic ASSEMBLED = new Topic("trace.assembled", Key.RUN_ID,
            Set.of(EpochAssembled.class), Partitioning.BY_KEY);
    public static final Topic STRUCTURES = new Topic("structures", Key.RUN_ID,
            Set.of(StructureSnapshot.class), Partitioning.BY_KEY);
    public static final Topic DEAD_LETTER = new Topic("dead-letter", Key.ORIGINAL_KEY,
            Set.of(), Partitioning.BY_KEY);

    /**
     * The largest record any topic takes, and so the largest a producer of ours sends: the brokers' and each
     * topic's {@code max.message.bytes} (local broker, compose, {@link TopicAdmin}) and the producers'
     * {@code max.request.size}. Decoding is bounded by it too (see AvroSerde).
     */
    public static final int MAX_RECORD_BYTES = 10 * 1024 * 1024;

    public static final List<Topic> ALL = List.of(RUNS, NEURONS, EPOCHS, BATCHES, ASSEMBLED, STRUCTURES,
            DEAD_LETTER);

    private Topics() {
    }
}
