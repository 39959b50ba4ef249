package io.nnstain.cli;

import io.nnstain.localkafka.LocalKafkaBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts the stack without Docker: a real single-node Kafka broker and each service as its own JVM, all on
 * 127.0.0.1, from the packaged Quarkus apps of this checkout. Stops it by the PIDs it recorded.
 */
public final class StackLauncher {

    /** Where things are: the checkout, and the folder for state, logs, broker and trace data. */
    public record Layout(Path root, Path home, Path dataDir) {

        public Path app(String service) {
            return root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        }

        public Path logs() {
            return home.resolve("logs");
        }

        /** results/ in the checkout for its default home (.nnstain); under the home when it was moved. */
        public Path resultsDir() {
            return home.equals(root.resolve(".nnstain")) ? root.resolve("results") : home.resolve("results");
        }
    }

    /**
     * Ports to bind; 0 means any free port. When not {@code strict}, a port in use is replaced by a free one.
     */
    public record Ports(int kafka, int trainer, int collector, int analyzer, int viz, boolean strict) {

        public static final Ports DEFAULT = new Ports(19092, 8081, 8082, 8083, 8080, false);
    }

    private final Layout layout;
    private final PrintStream out;
    /** what {@link #start} launched, by service name, in start order, for {@link #restart} */
    private final Map<String, Launch> launched = new java.util.LinkedHashMap<>();

    /** One launched service: how to launch it again, and its current process. */
    private static final class Launch {
        final int port;
        final Map<String, String> properties;
        final boolean detached;
        Process process;

        Launch(int port, Map<String, String> properties, boolean detached, Process process) {
            this.port = port;
            this.properties = properties;
            this.detached = detached;
            this.process = process;
        }
    }
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public StackLauncher(Layout layout, PrintStream out) {
        this.layout = layout;
        this.out = out;
    }

    /**
     * The recorded stack if all its processes run. A stack of which only some processes survive (one crashed,
     * or was killed) is stopped, so that a new one can take its ports and its broker's data folder.
     */
    public Optional<StackState> running() {
        Optional<StackState> state = StackState.read(layout.home());
        if (state.isPresent() && (state.get().analyzerUrl() == null || state.get().vizUrl() == null)) {
            out.println("the recorded stack lacks services of this version; stopping it to start a complete one");
            stop();
            return Optional.empty();
        }
        if (state.isPresent() && !state.get().alive()) {
            out.println("the recorded stack is only partly running; stopping what is left of it");
            stop();
            return Optional.empty();
        }
        return state;
    }

    /**
     * Starts broker, collector, analyzer and trainer and waits until each is ready. With {@code detached} the processes
     * run in a session of their own, so they outlive this command and a Ctrl-C in its terminal.
     */
    public StackState start(Ports ports, boolean detached, Duration timeout) {
        for (String service : List.of("trainer-service", "trace-collector", "analyzer-service", "viz-service")) {
            if (!Files.exists(layout.app(service))) {
                throw new IllegalStateException(layout.app(service) + " is missing: build with ./mvnw -DskipTests install"
                        + " (bin/nnstain does this on first use)");
            }
            heap(service); // a heap set wrongly is said before anything starts
        }
        try {
            Files.createDirectories(layout.logs());
            Files.createDirectories(layout.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Long> pids = new ArrayList<>();
        try {
            out.println("starting Kafka (KRaft, single node) ...");
            int kafkaPort = port(ports.kafka(), ports.strict(), "Kafka");
            // the services start while the broker does (their clients wait for it), not after it answers
            LocalKafkaBroker broker = LocalKafkaBroker.launch(layout.home().resolve("kafka"), kafkaPort, timeout, detached);
            pids.add(broker.pid());
            String bootstrap = broker.bootstrapServers();
            int collectorPort = port(ports.collector(), ports.strict(), "collector");
            int trainerPort = port(ports.trainer(), ports.strict(), "trainer");
            int analyzerPort = port(ports.analyzer(), ports.strict(), "analyzer");
            int vizPort = port(ports.viz(), ports.strict(), "viz");
            out.println("starting trace-collector, analyzer-service, viz-service and trainer-service ...");
            launched.clear();
            Process collector = launch("trace-collector", collectorPort, Map.of(
                    "nnstain.kafka-bootstrap-servers", bootstrap, "nnstain.data-dir", layout.dataDir().toString()), detached);
            pids.add(collector.pid());
            Process analyzer = launch("analyzer-service", analyzerPort, Map.of(
                    "nnstain.kafka-bootstrap-servers", bootstrap, "nnstain.data-dir", layout.dataDir().toString()), detached);
            pids.add(analyzer.pid());
            Process viz = launch("viz-service", vizPort, Map.of("nnstain.kafka-bootstrap-servers", bootstrap,
                    "nnstain.data-dir", layout.dataDir().toString(), "nnstain.results-dir", layout.resultsDir().toString(),
                    "nnstain.collector-url", "http://127.0.0.1:" + collectorPort), detached);
            pids.add(viz.pid());
            Process trainer = launch("trainer-service", trainerPort,
                    Map.of("nnstain.kafka-bootstrap-servers", bootstrap), detached);
            pids.add(trainer.pid());
            StackState state = new StackState(bootstrap, "http://127.0.0.1:" + trainerPort,
                    "http://127.0.0.1:" + collectorPort, "http://127.0.0.1:" + analyzerPort, "http://127.0.0.1:" + vizPort, layout.dataDir().toString(),
                    pids, !detached);
            state.write(layout.home());
            broker.awaitReady(timeout);
            awaitReady("trace-collector", state.collectorUrl(), collector, timeout);
            awaitReady("analyzer-service", state.analyzerUrl(), analyzer, timeout);
            awaitReady("viz-service", state.vizUrl(), viz, timeout);
            awaitReady("trainer-service", state.trainerUrl(), trainer, timeout);
            return state;
        } catch (RuntimeException e) {
            stop(pids);
            try {
                Files.deleteIfExists(StackState.file(layout.home()));
            } catch (IOException ignored) {
                // best effort
            }
            throw e;
        }
    }

    private Process launch(String service, int port, Map<String, String> properties, boolean detached) {
        Process p = startService(service, port, properties, detached);
        launched.put(service, new Launch(port, properties, detached, p));
        return p;
    }

    /** The services this launcher started that have exited since, with their exit codes. */
    public Map<String, Integer> exitedServices() {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        launched.forEach((name, l) -> {
            if (!l.process.isAlive()) {
                out.put(name, l.process.exitValue());
            }
        });
        return out;
    }

    /**
     * Starts a service this launcher started before again, as it was (same port and settings), waits until it is
     * ready, and records its new PID in the stack's state.
     */
    public void restart(String service, Duration timeout) {
        Launch l = launched.get(service);
        if (l == null) {
            throw new IllegalArgumentException(service + " was not started by this launcher");
        }
        long old = l.process.pid();
        l.process = startService(service, l.port, l.properties, l.detached);
        StackState.read(layout.home()).ifPresent(state -> {
            List<Long> pids = new ArrayList<>(state.pids());
            pids.replaceAll(pid -> pid == old ? l.process.pid() : pid);
            new StackState(state.kafkaBootstrapServers(), state.trainerUrl(), state.collectorUrl(), state.analyzerUrl(),
                    state.vizUrl(), state.dataDir(), pids, state.foreground()).write(layout.home());
        });
        awaitReady(service, "http://127.0.0.1:" + l.port, l.process, timeout);
    }

    private static int port(int wanted, boolean strict, String what) {
        if (wanted == 0) {
            return LocalKafkaBroker.freePort();
        }
        try (java.net.ServerSocket s = new java.net.ServerSocket(wanted, 1, java.net.InetAddress.getLoopbackAddress())) {
            return wanted;
        } catch (IOException e) {
            if (!strict) {
                return LocalKafkaBroker.freePort();
            }
            throw new IllegalStateException("port " + wanted + " for " + what + " is in use on 127.0.0.1; stop what uses it"
                    + " or choose another port (see nnstain up --help)");
        }
    }

    /**
     * Starts one packaged service as its own JVM on 127.0.0.1, its output appended to
     * {@code logs/<service>.log}.
     *
     * @param properties system properties for it, such as {@code nnstain.kafka-bootstrap-servers}
     */
    public Process startService(String service, int port, Map<String, String> properties, boolean detached) {
        List<String> command = new ArrayList<>();
        if (detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap(service));
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(layout.app(service).toString());
        Path log = layout.logs().resolve(service + ".log");
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + service, e);
        }
    }

    /**
     * The most heap a service may take: the collector streams each layer through DuckDB (outside the heap) and
     * stays within 512 MB on a 784-1024-1024-10 network (docs/benchmarks.md); the others hold a run's arrays.
     * {@code NNSTAIN_<SERVICE>_HEAP} (e.g. {@code NNSTAIN_ANALYZER_SERVICE_HEAP=4g}) sets another, for networks
     * wider than that.
     */
    public static String heap(String service) {
        return heap(service, System::getenv);
    }

    static String heap(String service, java.util.function.UnaryOperator<String> environment) {
        String variable = heapVariable(service);
        String set = environment.apply(variable);
        if (set != null && !set.isBlank()) {
            if (!set.strip().matches("[1-9][0-9]*[kKmMgG]")) {
                throw new IllegalArgumentException(variable + "='" + set + "' is not a heap size; accepted: a whole"
                        + " number with k, m or g, as java's -Xmx takes it, e.g. 1g or 768m");
            }
            return set.strip();
        }
        return DEFAULT_HEAPS.getOrDefault(service, "2g");
    }

    /** The environment variable that sets a service's heap. */
    public static String heapVariable(String service) {
        return "NNSTAIN_" + service.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_HEAP";
    }

    private static final Map<String, String> DEFAULT_HEAPS = Map.of("trace-collector", "512m");

    public void awaitReady(String service, String url, Process process, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(service + " exited with code " + process.exitValue() + "; see "
                        + layout.logs().resolve(service + ".log"));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + service);
            }
            pause(250);
        }
        throw new IllegalStateException(service + " was not ready within " + timeout + "; see "
                + layout.logs().resolve(service + ".log"));
    }

    /** Stops the recorded stack, if any; returns whether there was one. */
    public boolean stop() {
        Optional<StackState> state = StackState.read(layout.home());
        if (state.isEmpty()) {
            return false;
        }
        // the state goes first: a supervising 'nnstain up' sees its stack stopped, not crashed, and ends
        try {
            Files.deleteIfExists(StackState.file(layout.home()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stop(state.get().pids()); // recorded broker first; stop(List) stops it last
        return true;
    }

    /** SIGTERM to each, SIGKILL to what still runs after 20 s. */
    /**
     * Stops the services first and the broker (the first PID, as {@link #start} records them) last, so that the consumers can leave their
     * groups: a member that never left holds its partitions until its session times out, and the next
     * stack's consumer would wait that long before it reads anything.
     */
    public static void stop(List<Long> pids) {
        if (pids.size() > 1) {
            terminate(pids.subList(1, pids.size()));
        }
        terminate(pids.subList(0, Math.min(1, pids.size())));
    }

    private static void terminate(List<Long> pids) {
        List<ProcessHandle> handles = new ArrayList<>();
        for (long pid : pids) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(StackLauncher::isJava).ifPresent(h -> {
                h.destroy();
                handles.add(h);
            });
        }
        for (ProcessHandle h : handles) {
            try {
                h.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    /** A recorded PID may have been reused by an unrelated process after a reboot: only stop a java process. */
    private static boolean isJava(ProcessHandle h) {
        return h.info().command().map(c -> c.contains("java") || c.contains("setsid")).orElse(true);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
