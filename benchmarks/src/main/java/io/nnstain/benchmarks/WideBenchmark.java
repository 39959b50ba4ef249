package io.nnstain.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nnstain.cli.StackLauncher;
import io.nnstain.cli.StackState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The stack's start and a wide network end to end: a fresh stack started as {@code nnstain up} starts it (twice:
 * with a new broker, then again on its data), then a run of a wide network traced at every epoch, with the time
 * to trained, stored and analysed and the peak resident memory of every process.
 */
@Command(name = "wide", mixinStandardHelpOptions = true,
        description = "Times the stack's start (as nnstain up), then trains a wide network on it, every epoch"
                + " scanned, and prints when it was trained, stored and analysed and each service's peak resident memory.")
public final class WideBenchmark implements Callable<Integer> {

    @Option(names = "--hidden", defaultValue = "1024,1024", description = "Hidden widths (default ${DEFAULT-VALUE}).")
    String hidden;

    @Option(names = "--features", defaultValue = "784", description = "Input features of blobs (default ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--classes", defaultValue = "10", description = "Classes (default ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--samples", defaultValue = "5000", description = "Samples (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--epochs", defaultValue = "20", description = "Epochs, every one scanned (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--analysis-minutes", defaultValue = "30",
            description = "How long to wait for the analysis of the final epoch (default ${DEFAULT-VALUE}).")
    int analysisMinutes;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    public static void main(String[] args) {
        System.exit(new CommandLine(new WideBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path root = Path.of(System.getProperty("nnstain.root", ".")).toAbsolutePath();
        Path home = Files.createTempDirectory("nnstain-wide-");
        StackLauncher.Layout layout = new StackLauncher.Layout(root, home, home.resolve("data"));
        StackLauncher launcher = new StackLauncher(layout, System.out);
        StackLauncher.Ports ports = new StackLauncher.Ports(0, 0, 0, 0, 0, false);
        try {
            long t = System.nanoTime();
            StackState first = launcher.start(ports, false, Duration.ofMinutes(3));
            double firstStart = (System.nanoTime() - t) / 1e9;
            String firstCpu = cpuSeconds(first.pids());
            launcher.stop();
            t = System.nanoTime();
            StackState stack = launcher.start(ports, false, Duration.ofMinutes(3));
            double secondStart = (System.nanoTime() - t) / 1e9;
            System.out.printf("start to ready: %.1f s with a new broker, %.1f s again on its data%n", firstStart, secondStart);
            System.out.printf("CPU seconds each process had used when the stack was ready (broker, collector, analyzer,"
                    + " viz, trainer): %s with a new broker; %s again%n", firstCpu, cpuSeconds(stack.pids()));

            ObjectNode spec = json.createObjectNode();
            spec.put("dataset", "blobs");
            spec.put("hidden", hidden);
            spec.put("features", features);
            spec.put("classes", classes);
            spec.put("samples", samples);
            spec.put("epochs", epochs);
            t = System.nanoTime();
            HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(stack.trainerUrl() + "/runs"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(spec.toString()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (submitted.statusCode() != 202) {
                throw new IllegalStateException("the trainer refused the run: " + submitted.body());
            }
            String run = json.readTree(submitted.body()).path("run_id").asText();
            System.out.println("run " + run + ": blobs, " + features + " features, " + classes + " classes, " + samples
                    + " samples, hidden " + hidden + ", " + epochs + " epochs, every epoch scanned");
            String ended = await(() -> {
                String s = get(stack.trainerUrl() + "/runs/" + run).path("state").asText();
                return List.of("COMPLETED", "FAILED", "CANCELLED", "DIVERGED").contains(s) ? s : null;
            }, Duration.ofMinutes(30));
            String state = ended == null ? "still training after 30 min" : ended;
            double trained = (System.nanoTime() - t) / 1e9;
            await(() -> get(stack.collectorUrl() + "/runs/" + run).path("assembled_epochs").size() == epochs + 1
                    ? "stored" : null, Duration.ofMinutes(30));
            double stored = (System.nanoTime() - t) / 1e9;
            String analysed = await(() -> {
                JsonNode a = get(stack.vizUrl() + "/api/runs/" + run).path("analysed_epochs");
                return a.size() > 0 && a.get(a.size() - 1).asInt() == epochs ? "analysed" : null;
            }, Duration.ofMinutes(analysisMinutes));
            double analysedS = (System.nanoTime() - t) / 1e9;
            long traceBytes = size(layout.dataDir().resolve("runs").resolve(run));

            System.out.printf("%n| measure | figure |%n| --- | --- |%n");
            System.out.printf("| start to ready (nnstain up), new broker / again | %.1f s / %.1f s (target ≤ 20 s) |%n",
                    firstStart, secondStart);
            System.out.printf("| trained (%s) | %.1f s |%n", state, trained);
            System.out.printf("| every epoch stored | %.1f s |%n", stored);
            System.out.printf("| final epoch analysed | %s |%n", analysed == null ? "not within " + analysisMinutes
                    + " min" : String.format("%.1f s", analysedS));
            System.out.printf("| trace on disk | %.0f MB |%n", traceBytes / 1e6);
            String[] names = {"Kafka broker", "trace-collector", "analyzer-service", "viz-service", "trainer-service"};
            List<Long> pids = stack.pids();
            for (int i = 0; i < pids.size() && i < names.length; i++) {
                String heap = i == 0 ? "" : ", -Xmx" + StackLauncher.heap(names[i]);
                System.out.printf("| %s peak resident memory (VmHWM%s) | %d MB |%n", names[i], heap,
                        IngestBenchmark.peakRssMb(pids.get(i)));
            }
            return state.equals("COMPLETED") && analysed != null ? 0 : 1;
        } finally {
            launcher.stop();
            IngestBenchmark.delete(home);
        }
    }

    /** Each process's CPU time so far (user and system, from /proc), and their sum. */
    static String cpuSeconds(List<Long> pids) {
        StringBuilder out = new StringBuilder();
        double total = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                // fields after the command name (which may hold spaces): utime and stime are the 12th and 13th
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ, 100 on Linux
                total += seconds;
                out.append(out.length() == 0 ? "" : ", ").append(String.format("%.1f", seconds));
            } catch (java.io.IOException | RuntimeException e) {
                out.append(out.length() == 0 ? "" : ", ").append("?");
            }
        }
        return out.append(String.format(" (sum %.1f)", total)).toString();
    }

    private interface Poll {
        String value() throws Exception;
    }

    /** Polls every 500 ms until the value is not null; null when the time ran out. */
    private static String await(Poll poll, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String v = poll.value();
            if (v != null) {
                return v;
            }
            Thread.sleep(500);
        }
        return null;
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? json.readTree(r.body()) : json.createObjectNode();
    }

    private static long size(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
