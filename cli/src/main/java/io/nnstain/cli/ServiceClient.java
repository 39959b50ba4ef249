package io.nnstain.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** The CLI's view of the trainer's, collector's and analyzer's REST APIs. */
public final class ServiceClient {

    /** An answer other than 2xx, with the service's own message. */
    public static final class ServiceException extends RuntimeException {
        private final int status;

        ServiceException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final StackState stack;

    public ServiceClient(StackState stack) {
        this.stack = stack;
    }

    public JsonNode submitRun(JsonNode config) {
        return send(HttpRequest.newBuilder(URI.create(stack.trainerUrl() + "/runs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(config.toString())));
    }

    /** The trainer's runs: queued, running and finished since it started. */
    public JsonNode runs() {
        return send(HttpRequest.newBuilder(URI.create(stack.trainerUrl() + "/runs")).GET());
    }

    public JsonNode run(String runId) {
        return send(HttpRequest.newBuilder(URI.create(stack.trainerUrl() + "/runs/" + encode(runId))).GET());
    }

    public JsonNode manifest(String runId) {
        return send(HttpRequest.newBuilder(URI.create(stack.collectorUrl() + "/runs/" + encode(runId))).GET());
    }

    /** Re-analyses every stored epoch of a run with these parameters; answers the summary. */
    public JsonNode reanalyse(String runId, io.nnstain.schemas.config.AnalysisParams p) {
        return send(HttpRequest.newBuilder(URI.create(stack.analyzerUrl() + "/runs/" + encode(runId) + "/analyses?"
                + query(p))).POST(HttpRequest.BodyPublishers.noBody()), Duration.ofMinutes(10));
    }

    /** Per class: structure size, settling epoch, ablation effect beside the random baseline. */
    public JsonNode summary(String runId, io.nnstain.schemas.config.AnalysisParams p) {
        return send(HttpRequest.newBuilder(URI.create(stack.analyzerUrl() + "/runs/" + encode(runId) + "/summary?"
                + query(p))).GET(), Duration.ofMinutes(5));
    }

    /** The viz service's view of a run: analysed epochs, and its results/index.html once written. */
    public JsonNode vizRun(String runId) {
        return send(HttpRequest.newBuilder(URI.create(stack.vizUrl() + "/api/runs/" + encode(runId))).GET());
    }

    /** Writes the run's results/ folder (the viz service does it by itself after the final epoch). */
    public JsonNode writeResults(String runId) {
        return send(HttpRequest.newBuilder(URI.create(stack.vizUrl() + "/api/runs/" + encode(runId) + "/results"))
                .POST(HttpRequest.BodyPublishers.noBody()), Duration.ofMinutes(2));
    }

    private static String query(io.nnstain.schemas.config.AnalysisParams p) {
        return "coverage=" + p.coverage() + "&max-fraction=" + p.maxFraction() + "&rule=" + encode(p.rule());
    }

    /** {@code signature} goes into the path as typed; the collector parses and validates it. */
    public JsonNode trace(String runId, String signature) {
        return send(HttpRequest.newBuilder(URI.create(stack.collectorUrl() + "/runs/" + encode(runId) + "/trace/"
                + signature.replace(" ", "%20").replace("?", "%3F").replace("#", "%23"))).GET());
    }

    public void export(String runId, String format, Path out) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.collectorUrl() + "/runs/" + encode(runId)
                + "/export?format=" + encode(format))).timeout(Duration.ofMinutes(10)).GET().build();
        try {
            Path tmp = out.resolveSibling("." + out.getFileName() + ".part");
            HttpResponse<Path> response = http.send(request, HttpResponse.BodyHandlers.ofFile(tmp));
            if (response.statusCode() / 100 != 2) {
                String body = java.nio.file.Files.readString(tmp);
                java.nio.file.Files.deleteIfExists(tmp);
                throw new ServiceException(response.statusCode(), message(body));
            }
            java.nio.file.Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ServiceException(0, "the collector at " + stack.collectorUrl() + " does not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(0, "interrupted");
        }
    }

    private JsonNode send(HttpRequest.Builder builder) {
        return send(builder, Duration.ofSeconds(30));
    }

    private JsonNode send(HttpRequest.Builder builder, Duration timeout) {
        HttpRequest request = builder.timeout(timeout).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new ServiceException(response.statusCode(), message(response.body()));
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ServiceException(0, request.uri().getHost() + ":" + request.uri().getPort()
                    + " does not answer (" + e.getMessage() + "); is the stack running? (nnstain up)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(0, "interrupted");
        }
    }

    private static String message(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node.hasNonNull("error")) {
                return node.get("error").asText();
            }
        } catch (IOException e) {
            // not JSON: show it as it is
        }
        return body;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
