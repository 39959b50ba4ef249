package io.nnstain.trainer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "nnstain")
public interface TrainerConfig {

    /** Kafka to publish the trace to. */
    @WithDefault("127.0.0.1:9092")
    String kafkaBootstrapServers();

    /** Prefix of every topic name. */
    @WithDefault("nnstain.")
    String topicPrefix();

    /** Partitions of the neurons topic when the trainer creates it. */
    @WithDefault("8")
    int neuronPartitions();

    /** Engine threads per operation; fixed so that seeded runs repeat bit for bit. */
    @WithDefault("1")
    int torchThreads();

    /**
     * How long a trace record may wait to be acknowledged before the run fails (Kafka's delivery.timeout.ms):
     * a broker outage shorter than this loses nothing, a longer one fails the run with the error.
     */
    @WithDefault("120s")
    java.time.Duration deliveryTimeout();

    /** Runs that may wait behind the one training; more are refused with 429. */
    @WithDefault("16")
    int queueCapacity();
}
