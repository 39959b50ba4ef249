package io.nnstain.collector;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "nnstain")
public interface CollectorConfig {

    @WithDefault("127.0.0.1:9092")
    String kafkaBootstrapServers();

    @WithDefault("nnstain.")
    String topicPrefix();

    /** Where the trace is stored; the analyzer and viz read the same folder. */
    @WithDefault("data")
    String dataDir();

    @WithDefault("nnstain-collector")
    String consumerGroup();

    /**
     * How long an incomplete epoch of a finished run (any status) waits for its last records before it is
     * given up: its records go to the dead-letter topic and offsets move on.
     */
    @WithDefault("30s")
    java.time.Duration finishedGrace();

    /**
     * How long a run may send nothing, without a RunFinished, before it is marked abandoned and its
     * incomplete epochs are given up (a trainer killed mid-run).
     */
    @WithDefault("10m")
    java.time.Duration abandonAfter();

    /**
     * Memory DuckDB may use for the layers still arriving (DuckDB's own memory, beside the Java heap); beyond it
     * staged rows spill to {@code <data-dir>/.staging}.
     */
    @WithDefault("256MB")
    String stagingMemory();

    /** Partitions of the neurons topic if the collector is the first to create it. */
    @WithDefault("8")
    int neuronPartitions();
}
