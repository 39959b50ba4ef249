package io.nnstain.e2e;

import io.nnstain.localkafka.LocalKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The real broker tests run against, in this order: {@code KAFKA_BOOTSTRAP_SERVERS} if set; a Testcontainers
 * broker when Docker is usable; otherwise the embedded single-node KRaft broker (this project's CI). One per
 * test JVM; each test uses its own topic prefix and consumer groups.
 */
final class KafkaForTests {

    private static String bootstrap;

    private KafkaForTests() {
    }

    static synchronized String bootstrapServers() {
        if (bootstrap != null) {
            return bootstrap;
        }
        String given = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (given != null && !given.isBlank()) {
            bootstrap = given;
        } else if (dockerUsable()) {
            KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.2");
            kafka.start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop));
            bootstrap = kafka.getBootstrapServers();
        } else {
            try {
                java.nio.file.Path dir = Files.createTempDirectory("nnstain-kafka-");
                LocalKafkaBroker broker = LocalKafkaBroker.start(dir, Duration.ofSeconds(90));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    broker.close();
                    // the broker's log folder: nothing in it outlives the test run
                    try (var files = Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    } catch (IOException e) {
                        System.err.println("could not delete " + dir + ": " + e.getMessage());
                    }
                }));
                bootstrap = broker.bootstrapServers();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bootstrap;
    }

    private static boolean dockerUsable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
