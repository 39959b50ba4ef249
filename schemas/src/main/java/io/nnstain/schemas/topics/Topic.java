package io.nnstain.schemas.topics;

import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * One Kafka topic of the contract: its name (after the deployment's prefix), what its key means, which
 * record types its values carry, and how records are spread over partitions.
 *
 * @param suffix name without prefix, e.g. {@code trace.neurons}
 * @param key what the key holds
 * @param valueTypes the Avro record classes a value may be (single-object encoded, so each names its schema)
 * @param partitioning how a producer chooses the partition
 */
public record Topic(String suffix, Key key, Set<Class<? extends SpecificRecord>> valueTypes,
        Partitioning partitioning) {

    public enum Key {
        RUN_ID, NETWORK_SIGNATURE, ORIGINAL_KEY
    }

    public enum Partitioning {
        /** Kafka's default: by hash of the key (all records of a run land in one partition, in order). */
        BY_KEY,
        /** partition = layer index mod partition count, so one layer can be read by assigning one partition. */
        BY_LAYER
    }

    public boolean carries(Class<?> type) {
        return valueTypes.contains(type);
    }
}
