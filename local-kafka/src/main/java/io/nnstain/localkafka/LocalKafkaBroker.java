package io.nnstain.localkafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jboss.logging.Logger;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running in a child JVM from
 * the {@code kafka_2.13} jars the build resolved, bound to 127.0.0.1, with its data under a folder of ours.
 * Used by {@code nnstain up} and by tests when no other broker is given.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalKafkaBroker.class);
    private static final String CLASSPATH_RESOURCE = "/nnstain-kafka.classpath";

    private final Process process;
    private final int port;
    private final Path dataDir;

    private LocalKafkaBroker(Process process, int port, Path dataDir) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Starts a broker on a free port, formatting {@code dataDir} on first use, and waits until it answers. */
    public static LocalKafkaBroker start(Path dataDir, Duration timeout) {
        return start(dataDir, freePort(), timeout);
    }

    public static LocalKafkaBroker start(Path dataDir, int port, Duration timeout) {
        return start(dataDir, port, timeout, false);
    }

    /**
     * @param detached run the broker in a session of its own (setsid), so that it outlives this JVM and a
     *     Ctrl-C in its terminal; stop it by PID
     */
    public static LocalKafkaBroker start(Path dataDir, int port, Duration timeout, boolean detached) {
        LocalKafkaBroker broker = launch(dataDir, port, timeout, detached);
        try {
            broker.awaitReady(timeout);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        LOG.infof("local Kafka broker ready on %s (pid %d, data %s)", broker.bootstrapServers(), broker.pid(), dataDir);
        return broker;
    }

    /**
     * Starts the broker's process (formatting {@code dataDir} on first use) without waiting for it to answer:
     * clients can be started meanwhile, and {@link #awaitReady} waits. Stop it with {@link #close}.
     */
    public static LocalKafkaBroker launch(Path dataDir, int port, Duration timeout, boolean detached) {
        try {
            Files.createDirectories(dataDir);
            Path logDir = dataDir.resolve("log");
            // a restart keeps its controller port: the metadata log knows the quorum by it
            Path config = writeConfig(dataDir, logDir, port, previousControllerPort(dataDir).orElseGet(LocalKafkaBroker::freePort));
            Path brokerLog = dataDir.resolve("broker.out");
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(config, brokerLog, timeout);
            }
            ProcessBuilder builder = javaProcess("kafka.Kafka", List.of(config.toString()), brokerLog);
            if (detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                builder.command().add(0, "/usr/bin/setsid");
            }
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process process = builder.start();
            return new LocalKafkaBroker(process, port, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the local Kafka broker in " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The classpath of the broker JVM: the jars the build resolved for kafka_2.13. */
    public static String brokerClasspath() {
        try (InputStream in = LocalKafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " is missing: build the project with ./mvnw first");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            for (String jar : classpath.split(java.io.File.pathSeparator)) {
                if (!Files.exists(Path.of(jar))) {
                    throw new IllegalStateException("Kafka broker jar " + jar + " is missing: run ./mvnw install again");
                }
            }
            return classpath;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProcessBuilder javaProcess(String mainClass, List<String> args, Path output) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms128m");
        command.add("-Xmx768m");
        command.add("-XX:+UseSerialGC");
        // C1 only: the broker's C2 compiling took ~5 of the 50-57 CPU seconds that a stack's start cost on two
        // cores, and ingest measured the same without it (docs/benchmarks.md, "Wide network, memory and start")
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Djava.awt.headless=true");
        command.add("-cp");
        command.add(brokerClasspath());
        command.add(mainClass);
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    }

    private static void format(Path config, Path output, Duration timeout) throws IOException {
        String clusterId = clusterId();
        Process p = javaProcess("kafka.tools.StorageTool",
                List.of("format", "-t", clusterId, "-c", config.toString()), output).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("formatting the Kafka storage failed; see " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    /**
     * Kafka's own random id: a plain base64 UUID begins with '-' about once in 64 and the storage tool then
     * reads it as an option ("argument --cluster-id/-t: expected one argument"); Kafka's Uuid avoids those.
     */
    private static String clusterId() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

    /** The controller port of an earlier start in this folder, if it is free again. */
    private static java.util.Optional<Integer> previousControllerPort(Path dataDir) {
        Path file = dataDir.resolve("server.properties");
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        Properties p = new Properties();
        try (java.io.Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
        String voters = p.getProperty("controller.quorum.voters", "");
        try {
            int port = Integer.parseInt(voters.substring(voters.lastIndexOf(':') + 1));
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return java.util.Optional.of(port);
            }
        } catch (NumberFormatException | IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static Path writeConfig(Path dataDir, Path logDir, int port, int controllerPort) throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toAbsolutePath().toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        // the largest record of the contract (schemas' Topics.MAX_RECORD_BYTES, 10 MiB), not Kafka's 1 MiB
        // default; this module does not depend on the contract
        p.setProperty("message.max.bytes", "10485760");
        Path file = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "nn-staining local broker; rewritten at every start");
        }
        return file;
    }

    /** Waits until the broker answers an admin request; throws when it exits or the time runs out. */
    public void awaitReady(Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(props)) {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka broker exited with code " + process.exitValue()
                            + "; see " + dataDir.resolve("broker.out"));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    LOG.debugf("broker not ready yet: %s", e.toString());
                }
            }
        }
        throw new IllegalStateException("the Kafka broker did not answer within " + timeout + "; see "
                + dataDir.resolve("broker.out"));
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 15 s). */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
