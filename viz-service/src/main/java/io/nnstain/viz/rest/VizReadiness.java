package io.nnstain.viz.rest;

import io.nnstain.viz.messaging.StructuresConsumer;
import io.nnstain.viz.report.Live;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the consumer follows the structures topic. */
@Readiness
@ApplicationScoped
public class VizReadiness implements HealthCheck {

    private final StructuresConsumer consumer;
    private final Live live;

    public VizReadiness(StructuresConsumer consumer, Live live) {
        this.consumer = consumer;
        this.live = live;
    }

    @Override
    public HealthCheckResponse call() {
        String status = consumer.status();
        return HealthCheckResponse.named("structures-consumer").status("consuming".equals(status))
                .withData("status", status).withData("ui_clients", live.clients()).build();
    }
}
