package io.nnstain.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.messaging.TopicReader;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.topics.Topic;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * How long after an epoch's EpochAssembled its StructureSnapshot appears, for every scanned epoch of a run,
 * from the two records' timestamps on the broker (both written by producers on this machine).
 */
@Command(name = "structure-latency", mixinStandardHelpOptions = true,
        description = "Prints, for a run traced by the local stack, the time from each epoch's EpochAssembled to its "
                + "StructureSnapshot (record timestamps), with p50, p95 and max.")
public final class StructureLatency implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
    String run;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: the stack in .nnstain/stack.json).")
    String bootstrap;

    @Option(names = "--topic-prefix", defaultValue = "nnstain.", description = "Topic prefix (default ${DEFAULT-VALUE}).")
    String prefix;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StructureLatency()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String servers = bootstrap != null ? bootstrap
                : new ObjectMapper().readTree(Files.readString(Path.of(System.getProperty("nnstain.root", "."))
                        .resolve(".nnstain/stack.json"))).path("kafka").asText();
        AvroSerde serde = new AvroSerde();
        TopicNamespace ns = new TopicNamespace(prefix);
        TreeMap<Integer, Long> assembled = new TreeMap<>();
        TreeMap<Integer, Long> structures = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : readAll(servers, ns, Topics.ASSEMBLED)) {
            if (run.equals(r.key())) {
                assembled.putIfAbsent(serde.decode(r.value(), EpochAssembled.class).getEpoch(), r.timestamp());
            }
        }
        for (ConsumerRecord<String, byte[]> r : readAll(servers, ns, Topics.STRUCTURES)) {
            if (run.equals(r.key())) {
                structures.putIfAbsent(serde.decode(r.value(), StructureSnapshot.class).getEpoch(), r.timestamp());
            }
        }
        if (assembled.isEmpty()) {
            System.err.println("no EpochAssembled of run " + run + " on " + ns.name(Topics.ASSEMBLED) + " at " + servers);
            return 1;
        }
        List<Long> latencies = new ArrayList<>();
        System.out.println("epoch  assembled→structures ms");
        for (var e : assembled.entrySet()) {
            Long s = structures.get(e.getKey());
            System.out.printf("E_%-4d %s%n", e.getKey(), s == null ? "missing" : String.valueOf(s - e.getValue()));
            if (s != null) {
                latencies.add(s - e.getValue());
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("run %s: %d of %d epochs have structures; latency p50 %d ms, p95 %d ms, max %d ms%n", run,
                sorted.length, assembled.size(), percentile(sorted, 50), percentile(sorted, 95),
                sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
        return sorted.length == assembled.size() ? 0 : 1;
    }

    /** Nearest-rank percentile. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String servers, TopicNamespace ns, Topic topic) {
        return TopicReader.readAll(servers, ns.name(topic), Duration.ofSeconds(30));
    }
}
