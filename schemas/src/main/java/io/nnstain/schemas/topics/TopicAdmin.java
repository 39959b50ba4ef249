package io.nnstain.schemas.topics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/** Creates the contract's topics where missing and waits until every partition answers. */
public final class TopicAdmin {

    private static final Logger LOG = Logger.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    /**
     * Ensures every topic of the registry exists. Waits until {@code listOffsets} succeeds on every partition:
     * producing to freshly created partitions before that lost records (KAFKA-15591).
     *
     * @return the partition count of the neurons topic (an existing topic keeps its count)
     */
    public static int ensureTopics(String bootstrapServers, TopicNamespace namespace, int neuronPartitions,
            Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            Replication replication = null;
            for (Topic topic : Topics.ALL) {
                String name = namespace.name(topic);
                if (!existing.contains(name)) {
                    if (replication == null) {
                        replication = Replication.forBrokers(admin.describeCluster().nodes().get().size());
                    }
                    int partitions = topic == Topics.NEURONS ? neuronPartitions : 1;
                    missing.add(new NewTopic(name, partitions, replication.factor()).configs(Map.of("max.message.bytes",
                            String.valueOf(Topics.MAX_RECORD_BYTES), "min.insync.replicas",
                            String.valueOf(replication.minInSync()))));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get();
                    LOG.infof("created topics %s, %d copies of each partition, %d in sync for a write",
                            missing.stream().map(NewTopic::name).toList(), replication.factor(), replication.minInSync());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitPartitionsReady(admin, Topics.ALL.stream().map(namespace::name).toList(), timeout);
            TopicDescription neurons = admin.describeTopics(List.of(namespace.name(Topics.NEURONS)))
                    .allTopicNames().get().get(namespace.name(Topics.NEURONS));
            return neurons.partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create topics on " + bootstrapServers + ": " + e.getCause(), e);
        }
    }

    /** Null when the cluster answers within the timeout, otherwise what went wrong. */
    public static String ping(String bootstrapServers, Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return "Kafka at " + bootstrapServers + " does not answer: " + e;
        }
    }

    private static void awaitPartitionsReady(Admin admin, List<String> names, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
                Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                described.values().forEach(d -> d.partitions()
                        .forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                admin.listOffsets(request).all().get();
                return;
            } catch (ExecutionException e) {
                last = e;
                // partitions without a leader yet; ask again shortly
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("topics " + names + " not ready within " + timeout, last);
    }
}
