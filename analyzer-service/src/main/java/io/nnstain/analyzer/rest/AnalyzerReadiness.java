package io.nnstain.analyzer.rest;

import io.nnstain.analyzer.analysis.AnalysisService;
import io.nnstain.analyzer.messaging.AssembledConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the consumer loop reads the assembled topic. */
@Readiness
@ApplicationScoped
public class AnalyzerReadiness implements HealthCheck {

    private final AssembledConsumer consumer;
    private final AnalysisService analysis;

    public AnalyzerReadiness(AssembledConsumer consumer, AnalysisService analysis) {
        this.consumer = consumer;
        this.analysis = analysis;
    }

    @Override
    public HealthCheckResponse call() {
        String status = consumer.status();
        return HealthCheckResponse.named("assembled-consumer").status("consuming".equals(status))
                .withData("status", status).withData("data_dir", analysis.store().dataDir().toString()).build();
    }
}
