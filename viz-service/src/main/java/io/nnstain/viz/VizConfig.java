package io.nnstain.viz;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "nnstain")
public interface VizConfig {

    @WithDefault("127.0.0.1:9092")
    String kafkaBootstrapServers();

    @WithDefault("nnstain.")
    String topicPrefix();

    /** The trace store: the collector's trace and the analyzer's structures. */
    @WithDefault("data")
    String dataDir();

    /** Where every run's pictures and static index.html are written at its end. */
    @WithDefault("results")
    String resultsDir();

    @WithDefault("nnstain-viz")
    String consumerGroup();

    /** Partitions of the neurons topic if the viz service is the first to create the topics. */
    @WithDefault("8")
    int neuronPartitions();

    /** The collector's URL, for links from a neuron to its trace entry. */
    @WithDefault("http://127.0.0.1:8082")
    String collectorUrl();
}
