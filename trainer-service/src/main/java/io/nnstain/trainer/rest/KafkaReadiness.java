package io.nnstain.trainer.rest;

import io.nnstain.schemas.topics.TopicAdmin;
import io.nnstain.trainer.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the Kafka cluster the trace goes to answers. */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    private final TrainerConfig config;

    public KafkaReadiness(TrainerConfig config) {
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        String problem = TopicAdmin.ping(config.kafkaBootstrapServers(), Duration.ofSeconds(2));
        return HealthCheckResponse.named("kafka").status(problem == null)
                .withData("bootstrap.servers", config.kafkaBootstrapServers())
                .withData("problem", problem == null ? "none" : problem).build();
    }
}
