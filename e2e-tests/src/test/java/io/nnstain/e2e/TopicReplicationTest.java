package io.nnstain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nnstain.schemas.topics.Replication;
import io.nnstain.schemas.topics.TopicAdmin;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * The contract's topics are created with the replication the cluster's size calls for, on a real broker (the
 * tests' single broker: one copy, one in sync; a three-broker cluster waits for local-kafka to start one).
 */
class TopicReplicationTest {

    @Test
    void shouldCreateEveryTopicWithTheClustersReplicationAndMinInSync() throws Exception {
        TopicNamespace namespace = new TopicNamespace("r" + UUID.randomUUID().toString().substring(0, 8) + ".");
        String bootstrap = KafkaForTests.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, namespace, 4, Duration.ofSeconds(60));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            int brokers = admin.describeCluster().nodes().get().size();
            Replication expected = Replication.forBrokers(brokers);
            List<String> names = Topics.ALL.stream().map(namespace::name).toList();
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
            for (String name : names) {
                described.get(name).partitions().forEach(p -> assertEquals(expected.factor(), p.replicas().size(),
                        name + " partition " + p.partition()));
                Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, name)))
                        .all().get().values().iterator().next();
                assertEquals(String.valueOf(expected.minInSync()), config.get("min.insync.replicas").value(), name);
                // set on the topic, not the broker's default: a cluster with another default gets it too
                assertEquals(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG,
                        config.get("min.insync.replicas").source(), name);
            }
        }
    }
}
