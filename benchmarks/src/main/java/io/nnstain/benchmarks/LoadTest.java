package io.nnstain.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A bounded load test of the local stack while a run trains: Debian's {@code wrk} sends trace lookups to the
 * collector, then stain pictures to the viz service, each with a fixed number of connections for a fixed time,
 * on 127.0.0.1 only, and the latency percentiles and errors are printed.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Trains a small seeded digits run on the local stack (bin/nnstain up), starts a long one, and "
                + "while it trains runs wrk against trace lookups (collector) and stain pictures (viz service).")
public final class LoadTest implements Callable<Integer> {

    @Option(names = "--connections", defaultValue = "50", description = "wrk connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--seconds", defaultValue = "30", description = "Duration of each wrk run (default ${DEFAULT-VALUE}).")
    int seconds;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadTest()).execute(args));
    }

    /** What one wrk run printed, read back. */
    record Figures(String target, double p50, double p90, double p99, double perSecond, long requests, long errors) {
    }

    @Override
    public Integer call() throws Exception {
        JsonNode stack = json.readTree(Files.readString(Path.of(System.getProperty("nnstain.root", "."))
                .resolve(".nnstain/stack.json")));
        String trainer = stack.path("trainer_url").asText();
        String collector = stack.path("collector_url").asText();
        String viz = stack.path("viz_url").asText();
        for (String url : List.of(collector, viz)) {
            if (!URI.create(url).getHost().equals("127.0.0.1")) {
                throw new IllegalStateException("the load test sends traffic to 127.0.0.1 only, not " + url);
            }
        }
        // Given a finished, analysed run to look things up in
        String done = submit(trainer, "{\"dataset\":\"digits\",\"hidden\":\"64,32\",\"epochs\":10,\"seed\":7}");
        System.out.println("trained for lookups: " + done + " ...");
        awaitAnalysed(viz, done, 10);
        // and a long run that trains while the load runs
        String training = submit(trainer, "{\"dataset\":\"digits\",\"hidden\":\"64,128,64\",\"epochs\":2000,\"seed\":8}");
        awaitState(trainer, training, "RUNNING");
        Random random = new Random(42);
        List<String> lookups = new ArrayList<>();
        String[] layers = {"input", "hidden_1", "hidden_2", "output"};
        int[] widths = {64, 64, 32, 10};
        for (int i = 0; i < 500; i++) {
            int l = random.nextInt(layers.length);
            lookups.add("/runs/" + done + "/trace/E_" + random.nextInt(11) + "/L_" + layers[l] + "/n_" + random.nextInt(widths[l]));
        }
        List<String> pictures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pictures.add("/api/runs/" + done + "/stain." + (i % 4 == 0 ? "png" : "svg") + "?epoch=E_" + random.nextInt(11));
        }
        List<Figures> all = new ArrayList<>();
        all.add(wrk("trace lookups (collector)", collector, lookups));
        all.add(wrk("stain pictures (viz)", viz, pictures));
        String state = json.readTree(get(trainer + "/runs/" + training)).path("state").asText();
        System.out.printf("%nwhile run %s trained (state after the load: %s), %d connections, %d s each, wrk on 127.0.0.1:%n",
                training, state, connections, seconds);
        System.out.println("| target | requests | req/s | p50 ms | p90 ms | p99 ms | errors |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        long errors = 0;
        for (Figures f : all) {
            System.out.printf("| %s | %d | %.0f | %.1f | %.1f | %.1f | %d |%n", f.target(), f.requests(), f.perSecond(),
                    f.p50(), f.p90(), f.p99(), f.errors());
            errors += f.errors();
        }
        return errors == 0 && state.equals("RUNNING") ? 0 : 1;
    }

    private Figures wrk(String target, String base, List<String> paths) throws Exception {
        return Wrk.run(target, base, paths, connections, seconds);
    }

    private String submit(String trainer, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(trainer + "/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("the trainer refused the run: " + r.body());
        }
        return json.readTree(r.body()).path("run_id").asText();
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitAnalysed(String viz, String run, int finalEpoch) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode r = json.readTree(get(viz + "/api/runs/" + run));
            JsonNode analysed = r.path("analysed_epochs");
            if (analysed.size() > 0 && analysed.get(analysed.size() - 1).asInt() == finalEpoch) {
                return;
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("run " + run + " was not analysed within 5 minutes");
    }

    private void awaitState(String trainer, String run, String state) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            if (json.readTree(get(trainer + "/runs/" + run)).path("state").asText().equals(state)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("run " + run + " did not reach " + state);
    }
}
