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

    /** Partitions of the neurons topic if the collector is the first to create it. */
    @WithDefault("8")
    int neuronPartitions();
}
