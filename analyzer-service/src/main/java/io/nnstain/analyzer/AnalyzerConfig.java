package io.nnstain.analyzer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "nnstain")
public interface AnalyzerConfig {

    @WithDefault("127.0.0.1:9092")
    String kafkaBootstrapServers();

    @WithDefault("nnstain.")
    String topicPrefix();

    /** The trace store the collector writes; structures go beside each run's trace. */
    @WithDefault("data")
    String dataDir();

    @WithDefault("nnstain-analyzer")
    String consumerGroup();

    /** Partitions of the neurons topic if the analyzer is the first to create the topics. */
    @WithDefault("8")
    int neuronPartitions();

    /** Share of a layer's relevance a structure carries, unless a request says otherwise. */
    @WithDefault("0.8")
    double coverage();

    /** Cap on a structure's share of a layer's neurons, unless a request says otherwise. */
    @WithDefault("0.1")
    double maxFraction();

    /** Random same-size sets drawn per class for the ablation baseline. */
    @WithDefault("20")
    int randomDraws();
}
