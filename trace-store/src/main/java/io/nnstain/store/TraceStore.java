package io.nnstain.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.serde.AvroJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The network trace on disk, written only by the collector:
 *
 * <pre>
 * &lt;data&gt;/runs/&lt;run&gt;/run.json                      RunStarted (config, topology, probe set)
 * &lt;data&gt;/runs/&lt;run&gt;/finished.json                 RunFinished
 * &lt;data&gt;/runs/&lt;run&gt;/abandoned.json                when the run fell silent without a RunFinished
 * &lt;data&gt;/runs/&lt;run&gt;/epoch=&lt;e&gt;/sealed.json          EpochSealed (training figures, counts)
 * &lt;data&gt;/runs/&lt;run&gt;/epoch=&lt;e&gt;/batches.parquet      BatchSnapshots, when kept
 * &lt;data&gt;/runs/&lt;run&gt;/epoch=&lt;e&gt;/neurons.parquet      one row per neuron; written last, marks the epoch complete
 * </pre>
 *
 * Every file is written to a staging file and renamed into place atomically, so a reader never sees a
 * partial file and a rewrite of the same epoch replaces it whole (idempotent).
 */
public final class TraceStore {

    private static final Logger LOG = Logger.getLogger(TraceStore.class);
    public static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    public static final String NEURONS_FILE = "neurons.parquet";
    public static final String BATCHES_FILE = "batches.parquet";
    public static final String FINISHED_FILE = "finished.json";
    /** written by the collector for a run that fell silent without a RunFinished */
    public static final String ABANDONED_FILE = "abandoned.json";

    private final Path root;
    private final ObjectMapper json = new ObjectMapper();

    public TraceStore(Path dataDir) {
        this.root = dataDir.toAbsolutePath();
    }

    public Path dataDir() {
        return root;
    }

    public Path runDir(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("'" + runId + "' is not a run id; run ids are 1 to 128 letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit");
        }
        return root.resolve("runs").resolve(runId);
    }

    public Path epochDir(String runId, int epoch) {
        return runDir(runId).resolve("epoch=" + epoch);
    }

    public Path neuronsFile(String runId, int epoch) {
        return epochDir(runId, epoch).resolve(NEURONS_FILE);
    }

    public boolean hasEpoch(String runId, int epoch) {
        return Files.exists(neuronsFile(runId, epoch));
    }

    public void writeRunStarted(RunStarted event) {
        writeJsonAtomically(runDir(event.getRunId()).resolve("run.json"), AvroJson.toJson(event));
    }

    public void writeRunFinished(RunFinished event) {
        writeJsonAtomically(runDir(event.getRunId()).resolve(FINISHED_FILE), AvroJson.toJson(event));
    }

    /** A run as the trace tells it: from its RunFinished, or marked abandoned by the collector, or still running. */
    public enum RunStatus {
        RUNNING, COMPLETED, FAILED, DIVERGED, CANCELLED, ABANDONED;

        /** The status a finished.json (RunFinished as JSON) says: FAILED with a divergence is DIVERGED. */
        public static RunStatus of(JsonNode finished) {
            if (finished.hasNonNull("divergence")) {
                return DIVERGED;
            }
            try {
                return valueOf(finished.path("status").asText());
            } catch (IllegalArgumentException e) {
                return FAILED;
            }
        }
    }

    /**
     * How a run stands, as its files tell it, read once: the status, its RunFinished (null while none came) and
     * the collector's abandonment note (null unless the run fell silent without one).
     */
    public record RunOutcome(RunStatus status, JsonNode finished, JsonNode abandoned) {

        /** Where and how the run went non-finite, or null. */
        public JsonNode divergence() {
            return finished != null && finished.hasNonNull("divergence") ? finished.get("divergence") : null;
        }

        /** Why the run did not complete, in a line; null when it completed or still runs. */
        public String detail() {
            JsonNode d = divergence();
            if (d != null) {
                return "at E_" + d.path("epoch").asInt() + ": " + d.path("what").asText();
            }
            if (finished != null) {
                return finished.hasNonNull("error") ? finished.get("error").asText() : null;
            }
            return abandoned == null ? null : abandoned.path("reason").asText();
        }
    }

    public RunOutcome outcome(String runId) {
        Optional<JsonNode> finished = readJson(runId, FINISHED_FILE);
        if (finished.isPresent()) {
            return new RunOutcome(RunStatus.of(finished.get()), finished.get(), null);
        }
        return readJson(runId, ABANDONED_FILE).map(a -> new RunOutcome(RunStatus.ABANDONED, null, a))
                .orElse(new RunOutcome(RunStatus.RUNNING, null, null));
    }

    public RunStatus runStatus(String runId) {
        return outcome(runId).status();
    }

    /** Marks a run that fell silent without a RunFinished (a RunFinished read later still wins). */
    public void markAbandoned(String runId, long lastRecordAtMs, String reason) {
        ObjectNode node = json.createObjectNode();
        node.put("run_id", runId);
        node.put("status", RunStatus.ABANDONED.name());
        node.put("abandoned_at_ms", System.currentTimeMillis());
        node.put("last_record_at_ms", lastRecordAtMs);
        node.put("reason", reason);
        writeJsonAtomically(runDir(runId).resolve(ABANDONED_FILE), node);
    }

    /**
     * Writes one complete epoch. Neurons are written last: their file's presence is what marks the epoch
     * complete, so a crash in between leaves an epoch that is simply assembled again.
     *
     * @return the neurons file
     */
    public Path writeEpoch(EpochSealed sealed, List<NeuronSnapshot> neurons, List<BatchSnapshot> batches) {
        String run = sealed.getRunId();
        int epoch = sealed.getEpoch();
        Path dir = epochDir(run, epoch);
        try {
            Files.createDirectories(dir);
            if (!batches.isEmpty()) {
                List<BatchSnapshot> ordered = new ArrayList<>(batches);
                ordered.sort(Comparator.comparingInt(BatchSnapshot::getBatch).thenComparingInt(BatchSnapshot::getLayerIndex));
                writeParquet(dir.resolve(BATCHES_FILE), ordered.stream().map(b -> AvroJson.toJson(b, true)).toList(), BATCH_COLUMNS,
                        BATCH_SELECT);
            }
            writeJsonAtomically(dir.resolve("sealed.json"), AvroJson.toJson(sealed));
            List<NeuronSnapshot> ordered = new ArrayList<>(neurons);
            ordered.sort(Comparator.comparingInt(NeuronSnapshot::getLayerIndex).thenComparingInt(NeuronSnapshot::getNeuron));
            Path file = dir.resolve(NEURONS_FILE);
            writeParquet(file, ordered.stream().map(n -> AvroJson.toJson(n, true)).toList(), NEURON_COLUMNS, NEURON_SELECT);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write epoch " + epoch + " of run " + run + " to " + dir, e);
        }
    }

    // Staged as JSON lines with numbers as doubles (a float widens to double exactly), then cast back to FLOAT;
    // NaN and infinities staged as text, which DuckDB reads back as those numbers: a diverged epoch stays as it was.
    private static final String NEURON_COLUMNS = "{run_id: 'VARCHAR', layer: 'VARCHAR', layer_index: 'INTEGER',"
            + " neuron: 'INTEGER', samples: 'BIGINT', act_mean: 'DOUBLE', act_std: 'DOUBLE', act_min: 'DOUBLE',"
            + " act_max: 'DOUBLE', zero_fraction: 'DOUBLE', class_means: 'DOUBLE[]', bias: 'DOUBLE',"
            + " weights: 'DOUBLE[]', grad_weight_norm: 'DOUBLE', grad_bias: 'DOUBLE', weight_change: 'DOUBLE',"
            + " grad_weight_mean: 'DOUBLE[]'}";
    private static final String NEURON_SELECT = "run_id, layer, layer_index, neuron, samples, act_mean::FLOAT AS act_mean,"
            + " act_std::FLOAT AS act_std, act_min::FLOAT AS act_min, act_max::FLOAT AS act_max,"
            + " zero_fraction::FLOAT AS zero_fraction, class_means::FLOAT[] AS class_means, bias::FLOAT AS bias,"
            + " weights::FLOAT[] AS weights, grad_weight_norm::FLOAT AS grad_weight_norm, grad_bias::FLOAT AS grad_bias,"
            + " weight_change::FLOAT AS weight_change, grad_weight_mean::FLOAT[] AS grad_weight_mean";
    private static final String BATCH_COLUMNS = "{run_id: 'VARCHAR', epoch: 'INTEGER', batch: 'INTEGER',"
            + " layer: 'VARCHAR', layer_index: 'INTEGER', batch_size: 'INTEGER', loss: 'DOUBLE',"
            + " neuron_means: 'DOUBLE[]', zero_fraction: 'DOUBLE'}";
    private static final String BATCH_SELECT = "run_id, batch, layer, layer_index, batch_size, loss,"
            + " neuron_means::FLOAT[] AS neuron_means, zero_fraction::FLOAT AS zero_fraction";

    private void writeParquet(Path target, List<ObjectNode> rows, String columns, String select) throws IOException {
        Path staging = target.resolveSibling("." + target.getFileName() + ".staging-" + UUID.randomUUID());
        Path lines = target.resolveSibling("." + target.getFileName() + ".rows-" + UUID.randomUUID() + ".jsonl");
        try {
            try (BufferedWriter w = Files.newBufferedWriter(lines)) {
                for (ObjectNode row : rows) {
                    w.write(json.writeValueAsString(row));
                    w.newLine();
                }
            }
            try (Connection c = Duck.connect(); Statement s = c.createStatement()) {
                s.execute("COPY (SELECT " + select + " FROM read_json(" + Duck.literal(lines.toString())
                        + ", format = 'newline_delimited', columns = " + columns + ")) TO "
                        + Duck.literal(staging.toString()) + " (FORMAT parquet, COMPRESSION zstd)");
            } catch (SQLException e) {
                throw new IOException("DuckDB could not write " + target + ": " + e.getMessage(), e);
            }
            moveAtomically(staging, target);
        } finally {
            Files.deleteIfExists(lines);
            Files.deleteIfExists(staging);
        }
    }

    /**
     * Writes a JSON file under a run's folder (staging file, then atomic rename), for readers that store their
     * results beside the trace, such as the analyzer's structures.
     */
    public Path writeJson(String runId, String relative, JsonNode value) {
        Path target = runDir(runId).resolve(relative).normalize();
        if (!target.startsWith(runDir(runId))) {
            throw new IllegalArgumentException("'" + relative + "' is outside the run's folder");
        }
        writeJsonAtomically(target, value);
        return target;
    }

    private void writeJsonAtomically(Path target, JsonNode value) {
        try {
            Files.createDirectories(target.getParent());
            Path staging = target.resolveSibling("." + target.getFileName() + ".staging-" + UUID.randomUUID());
            try {
                json.writerWithDefaultPrettyPrinter().writeValue(staging.toFile(), value);
                moveAtomically(staging, target);
            } finally {
                Files.deleteIfExists(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target, e);
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            LOG.warnf("atomic rename not supported for %s; replacing non-atomically", to);
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Run ids with a run.json or an epoch, newest first. */
    public List<String> runs() {
        Path runs = root.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(Files::isDirectory).sorted(Comparator.comparing(TraceStore::modified).reversed())
                    .map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    public boolean hasRun(String runId) {
        return Files.isDirectory(runDir(runId));
    }

    /** Epochs whose neurons are stored, ascending. */
    public List<Integer> assembledEpochs(String runId) {
        return numbered(runDir(runId), EPOCH_DIR).stream().filter(e -> hasEpoch(runId, e)).toList();
    }

    /**
     * Where the analyzer keeps its results for one set of analysis parameters, relative to a run's folder:
     * {@code structures/<key>/<file>}, with {@code epoch=<e>.json} per analysed epoch.
     */
    public static String structures(String key, String file) {
        return "structures/" + key + "/" + file;
    }

    public static String structuresOfEpoch(String key, int epoch) {
        return structures(key, "epoch=" + epoch + ".json");
    }

    /** Where the analyzer notes that an epoch could not be analysed (non-finite numbers), and why. */
    public static String notAnalysableEpoch(String key, int epoch) {
        return structures(key, "epoch=" + epoch + ".not-analysable.json");
    }

    /** Epochs whose structures are stored for the analysis parameters {@code key}, ascending. */
    public List<Integer> analysedEpochs(String runId, String key) {
        return numbered(runDir(runId).resolve(structures(key, "")), EPOCH_FILE);
    }

    private static final Pattern EPOCH_DIR = Pattern.compile("epoch=([0-9]{1,9})");
    private static final Pattern EPOCH_FILE = Pattern.compile("epoch=([0-9]{1,9})\\.json");

    /** The numbers of the entries of {@code dir} whose names match {@code name} (group 1), ascending. */
    private static List<Integer> numbered(Path dir, Pattern name) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> name.matcher(p.getFileName().toString())).filter(java.util.regex.Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
    }

    public Optional<JsonNode> readJson(String runId, String relative) {
        Path file = runDir(runId).resolve(relative);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }
}
