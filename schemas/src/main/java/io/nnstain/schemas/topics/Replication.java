package io.nnstain.schemas.topics;

/**
 * How many copies of each partition the contract's topics keep, and how many must have a write before the
 * broker acknowledges it to a producer with {@code acks=all}: it follows the cluster's size, never fixed.
 * Three copies with two in sync where there are at least three brokers (a write survives losing any one
 * broker, and one broker down does not stop writes); below that, one copy per broker and one in sync.
 *
 * @param factor copies of each partition
 * @param minInSync copies a write needs before it is acknowledged ({@code min.insync.replicas})
 */
public record Replication(short factor, int minInSync) {

    /** The replication for a cluster of {@code brokers} brokers. */
    public static Replication forBrokers(int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("a Kafka cluster has at least one broker, not " + brokers);
        }
        short factor = (short) Math.min(3, brokers);
        return new Replication(factor, factor >= 3 ? 2 : 1);
    }
}
