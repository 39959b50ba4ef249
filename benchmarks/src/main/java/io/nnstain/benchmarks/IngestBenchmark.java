package io.nnstain.benchmarks;

import io.nnstain.cli.StackLauncher;
import io.nnstain.localkafka.LocalKafkaBroker;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.LayerInfo;
import io.nnstain.schemas.avro.ProbeSet;
import io.nnstain.schemas.avro.RunConfig;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.avro.RunStatus;
import io.nnstain.schemas.avro.Topology;
import io.nnstain.schemas.serde.NeuronRow;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import io.nnstain.store.TraceStore;
import io.nnstain.trainer.publish.KafkaTraceSink;
import io.nnstain.trainer.publish.Producers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Ingest and lookups at scale, on a stack of its own (a local broker and the packaged collector at its
 * production heap, in a scratch folder): a made-up run of about a million snapshots published through the
 * trainer's own sink and producer settings, stored by the collector; the same records read by a raw consumer
 * that only fetches their bytes; the same topics replayed by a second collector alone; then signature lookups
 * through REST on the stored trace, with wrk: concurrent connections, then one.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Publishes a made-up run of ~1M snapshots (64 weights each but the output layer's) through the"
                + " trainer's sink, times the collector storing it against a raw consumer reading the same bytes,"
                + " then times signature lookups on the stored trace with wrk (concurrent connections, then one).")
public final class IngestBenchmark implements Callable<Integer> {

    @Option(names = "--width", defaultValue = "16384", description = "Width of the hidden layer (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--epochs", defaultValue = "61", description = "Scanned epochs, E_0 included (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--connections", defaultValue = "50", description = "wrk connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--seconds", defaultValue = "30", description = "wrk duration (default ${DEFAULT-VALUE}).")
    int seconds;

    static final int INPUTS = 64;
    static final int CLASSES = 10;
    static final String RUN = "ingest-benchmark";

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (width < 1 || epochs < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--width and --epochs must be at least 1");
        }
        Path root = Path.of(System.getProperty("nnstain.root", ".")).toAbsolutePath();
        Path home = Files.createTempDirectory("nnstain-ingest-");
        StackLauncher.Layout layout = new StackLauncher.Layout(root, home, home.resolve("data"));
        Files.createDirectories(layout.logs());
        StackLauncher launcher = new StackLauncher(layout, System.out);
        List<Process> collectors = new ArrayList<>();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(home.resolve("kafka"), Duration.ofSeconds(90))) {
            String bootstrap = broker.bootstrapServers();
            int port = LocalKafkaBroker.freePort();
            Process collector = launcher.startService("trace-collector", port, Map.of("nnstain.kafka-bootstrap-servers",
                    bootstrap, "nnstain.data-dir", layout.dataDir().toString()), false);
            collectors.add(collector);
            String collectorUrl = "http://127.0.0.1:" + port;
            launcher.awaitReady("trace-collector", collectorUrl, collector, Duration.ofSeconds(120));
            int[] widths = {INPUTS, width, CLASSES};
            long snapshots = (long) epochs * Arrays.stream(widths).sum();
            System.out.printf("made-up run: layers %s, %d epochs, %,d snapshots; collector -Xmx%s, broker and collector"
                    + " on 127.0.0.1, data in %s%n", Arrays.toString(widths), epochs, snapshots,
                    StackLauncher.heap("trace-collector"), home);

            // live: published through the trainer's sink while the collector stores
            TraceStore store = new TraceStore(layout.dataDir());
            long start = System.nanoTime();
            long bytes = publish(bootstrap, widths);
            double publishedS = (System.nanoTime() - start) / 1e9;
            awaitStored(store, collector);
            double liveS = (System.nanoTime() - start) / 1e9;
            long liveRss = peakRssMb(collector.pid());
            System.out.printf("live: published in %.1f s, all %d epochs stored after %.1f s%n", publishedS, epochs, liveS);

            // raw: the same records' bytes, fetched by a plain consumer
            double rawS = rawRead(bootstrap);
            System.out.printf("raw consumer: read every record of the run in %.1f s%n", rawS);

            // replay: a second collector alone reads the same topics into a store of its own
            Path replayData = home.resolve("replay-data");
            int replayPort = LocalKafkaBroker.freePort();
            Process replay = launcher.startService("trace-collector", replayPort, Map.of("nnstain.kafka-bootstrap-servers",
                    bootstrap, "nnstain.data-dir", replayData.toString(), "nnstain.consumer-group", "replay"), false);
            collectors.add(replay);
            launcher.awaitReady("trace-collector", "http://127.0.0.1:" + replayPort, replay, Duration.ofSeconds(120));
            long replayStart = System.nanoTime();
            awaitStored(new TraceStore(replayData), replay);
            double replayS = (System.nanoTime() - replayStart) / 1e9;
            long replayRss = peakRssMb(replay.pid());
            replay.destroy();
            replay.waitFor();

            double live = snapshots / liveS;
            double raw = snapshots / rawS;
            double alone = snapshots / replayS;
            System.out.printf("%ningest: %,d snapshots, %.0f MB encoded, %d epochs%n", snapshots, bytes / 1e6, epochs);
            System.out.println("| measure | figure | target |");
            System.out.println("| --- | --- | --- |");
            System.out.printf("| live: trainer's sink → Kafka → collector → Parquet | %,.0f snapshots/s (%.1f s) | ≥ 100,000 |%n",
                    live, liveS);
            System.out.printf("| raw consumer, same records' bytes | %,.0f snapshots/s (%.1f s) | |%n", raw, rawS);
            System.out.printf("| live / raw | %.2f | ≥ 0.6 |%n", live / raw);
            System.out.printf("| replay: a collector alone, Kafka → Parquet (from ready) | %,.0f snapshots/s (%.1f s); %.2f × raw | |%n",
                    alone, replayS, alone / raw);
            System.out.printf("| collector peak resident memory (VmHWM), live / replay | %d MB / %d MB | heap ≤ 512 MB |%n",
                    liveRss, replayRss);

            lookups(collectorUrl, widths);
            return 0;
        } finally {
            for (Process p : collectors) {
                p.destroy();
                p.waitFor();
            }
            delete(home);
        }
    }

    /** Publishes the run through the trainer's sink with the trainer's producer settings; returns bytes encoded. */
    private long publish(String bootstrap, int[] widths) {
        SplittableRandom rnd = new SplittableRandom(1);
        int pool = 97;
        float[][] weights = new float[pool][];
        float[][] grads = new float[pool][];
        float[][] means = new float[pool][];
        for (int i = 0; i < pool; i++) {
            weights[i] = randoms(rnd, INPUTS);
            grads[i] = randoms(rnd, INPUTS);
            means[i] = randoms(rnd, CLASSES);
        }
        float[][] outputWeights = new float[CLASSES][];
        float[][] outputGrads = new float[CLASSES][];
        for (int k = 0; k < CLASSES; k++) {
            outputWeights[k] = randoms(rnd, widths[1]);
            outputGrads[k] = randoms(rnd, widths[1]);
        }
        String[] names = {"input", "hidden_1", "output"};
        try (Producer<String, byte[]> producer = Producers.create(bootstrap, "ingest-benchmark")) {
            KafkaTraceSink sink = new KafkaTraceSink(producer, new TopicNamespace("nnstain."), 8);
            sink.runStarted(started(widths, names));
            for (int e = 0; e < epochs; e++) {
                for (int l = 0; l < widths.length; l++) {
                    for (int n = 0; n < widths[l]; n++) {
                        int p = (n + e) % pool;
                        float[] w = l == 0 ? new float[0] : l == 1 ? weights[p] : outputWeights[n];
                        float[] g = l == 0 || e == 0 ? null : l == 1 ? grads[p] : outputGrads[n];
                        Float bias = l == 0 ? null : 0.1f;
                        Float perEpoch = l == 0 || e == 0 ? null : 0.01f * n;
                        sink.neuron(new NeuronRow(RUN, e, names[l], l, n, 1000, means[p][0], 0.5f, -1f, 2f, 0.1f,
                                means[p], bias, w, perEpoch, perEpoch, perEpoch, g));
                    }
                }
                List<Integer> counts = Arrays.stream(widths).boxed().toList();
                sink.epochSealed(EpochSealed.newBuilder().setRunId(RUN).setEpoch(e).setSnapshotsPerLayer(counts)
                        .setBatchesSent(0).setTrainLoss(e == 0 ? null : 1.0 / e).setTrainAccuracy(0.5)
                        .setTrainClassAccuracy(List.of()).setValidationLoss(1).setValidationAccuracy(0.5)
                        .setValidationClassAccuracy(List.of()).setEpochTimeMs(1).setProbeTimeMs(0).build());
            }
            sink.runFinished(RunFinished.newBuilder().setRunId(RUN).setFinishedAtMs(System.currentTimeMillis())
                    .setStatus(RunStatus.COMPLETED).setEpochsTrained(epochs - 1)
                    .setScannedEpochs(java.util.stream.IntStream.range(0, epochs).boxed().toList())
                    .setProbePredictions(List.of()).build());
            sink.flush();
            return sink.bytesSent();
        }
    }

    private RunStarted started(int[] widths, String[] names) {
        List<LayerInfo> layers = new ArrayList<>();
        for (int l = 0; l < widths.length; l++) {
            layers.add(new LayerInfo(l, names[l], widths[l], l == 1 ? "relu" : "identity"));
        }
        List<String> classes = java.util.stream.IntStream.range(0, CLASSES).mapToObj(String::valueOf).toList();
        List<String> features = java.util.stream.IntStream.range(0, INPUTS).mapToObj(i -> "x" + i).toList();
        return RunStarted.newBuilder().setRunId(RUN).setStartedAtMs(System.currentTimeMillis())
                .setConfig(new RunConfig("made-up", List.of(widths[1]), "relu", "adam", 0.001, 64, epochs - 1, 1L, "",
                        true, 0.2, 0))
                .setTopology(new Topology(layers, classes, features, List.of(INPUTS)))
                .setScannedEpochs(java.util.stream.IntStream.range(0, epochs).boxed().toList()).setTrainSamples(1000)
                .setValidationSamples(0).setNeuronPartitions(8).setProbeSet(new ProbeSet(List.of(), List.of())).build();
    }

    private void awaitStored(TraceStore store, Process collector) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30 * 60_000;
        while (store.assembledEpochs(RUN).size() < epochs) {
            if (!collector.isAlive()) {
                throw new IllegalStateException("the collector exited with " + collector.exitValue());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the collector did not store the run within 30 minutes");
            }
            Thread.sleep(20);
        }
    }

    /** Reads every record on the run's topics (only this run's, on this broker) as bytes; returns seconds. */
    private static double rawRead(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the collector's fetch settings
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_RECORD_BYTES);
        TopicNamespace ns = new TopicNamespace("nnstain.");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(ns.name(Topics.RUNS), ns.name(Topics.NEURONS), ns.name(Topics.EPOCHS))) {
                for (PartitionInfo info : c.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            c.assign(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            c.seekToBeginning(partitions);
            long start = System.nanoTime();
            long sum = 0;
            Map<TopicPartition, Long> left = new HashMap<>(end);
            left.values().removeIf(v -> v == 0);
            while (!left.isEmpty()) {
                ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
                for (var r : records) {
                    sum += r.value().length;
                }
                left.keySet().removeIf(tp -> c.position(tp) >= end.get(tp));
            }
            if (sum == 0) {
                throw new IllegalStateException("the raw consumer read nothing");
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private void lookups(String collector, int[] widths) throws Exception {
        String[] names = {"input", "hidden_1", "output"};
        long total = Arrays.stream(widths).sum();
        SplittableRandom rnd = new SplittableRandom(7);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            // uniformly over every stored snapshot
            long k = rnd.nextLong(total);
            int l = k < widths[0] ? 0 : k < widths[0] + widths[1] ? 1 : 2;
            paths.add("/runs/" + RUN + "/trace/E_" + rnd.nextInt(epochs) + "/L_" + names[l] + "/n_" + rnd.nextInt(widths[l]));
        }
        LoadTest.Figures wrk = Wrk.run("signature lookups, " + connections + " connections", collector, paths, connections,
                seconds);
        LoadTest.Figures one = Wrk.run("signature lookups, one client", collector, paths, 1, seconds);
        System.out.printf("%nlookup: random signatures over all %,d stored snapshots (%d epochs), through REST%n",
                (long) epochs * total, epochs);
        System.out.println("| measure | figure | target |");
        System.out.println("| --- | --- | --- |");
        System.out.printf("| one client (wrk, 1 connection, %d s, %d requests): p50 / p90 / p99 | %.2f / %.2f / %.2f ms"
                + " | p99 ≤ 10 ms |%n", seconds, one.requests(), one.p50(), one.p90(), one.p99());
        System.out.printf("| wrk, %d connections, %d s: requests/s | %,.0f (%d requests, %d errors) | ≥ 2,000 |%n",
                connections, seconds, wrk.perSecond(), wrk.requests(), wrk.errors());
        System.out.printf("| wrk: p50 / p90 / p99 | %.1f / %.1f / %.1f ms | p99 ≤ 50 ms |%n", wrk.p50(), wrk.p90(), wrk.p99());
    }

    /** Peak resident memory of a process (VmHWM), in MB. */
    static long peakRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    private static float[] randoms(SplittableRandom rnd, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rnd.nextGaussian();
        }
        return out;
    }

    /** Deletes a scratch folder and all in it; says so on stderr when it cannot. */
    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
