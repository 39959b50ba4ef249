package io.nnstain.collector.rest;

import io.nnstain.collector.messaging.TraceConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the consumer loop reads the trace topics. */
@Readiness
@ApplicationScoped
public class CollectorReadiness implements HealthCheck {

    private final TraceConsumer consumer;

    public CollectorReadiness(TraceConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        String status = consumer.status();
        return HealthCheckResponse.named("trace-consumer").status("consuming".equals(status))
                .withData("status", status).withData("data_dir", consumer.store().dataDir().toString()).build();
    }
}
