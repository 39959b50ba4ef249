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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * &lt;data&gt;/runs/&lt;run&gt;/run.json                         RunStarted (config, topology, probe set)
 * &lt;data&gt;/runs/&lt;run&gt;/finished.json                    RunFinished
 * &lt;data&gt;/runs/&lt;run&gt;/abandoned.json                   when the run fell silent without a RunFinished
 * &lt;data&gt;/runs/&lt;run&gt;/epoch=&lt;e&gt;/neurons-&lt;layer&gt;.parquet  one row per neuron of the layer, by neuron
 * &lt;data&gt;/runs/&lt;run&gt;/epoch=&lt;e&gt;/neurons-&lt;layer&gt;.lookup   the same snapshots as published, indexed by neuron
 * &lt;data&gt;/runs/&lt;run&gt;/epoch=&lt;e&gt;/batches.parquet         BatchSnapshots, when kept
 * &lt;data&gt;/runs/&lt;run&gt;/epoch=&lt;e&gt;/sealed.json             EpochSealed (training figures, counts)
 * &lt;data&gt;/runs/&lt;run&gt;/epoch=&lt;e&gt;/assembled.json          written last: the epoch is complete
 * </pre>
 *
 * Each layer is stored as soon as its rows are in, so the collector holds at most the layers still arriving;
 * the epoch counts only once {@code assembled.json} is there. Traces written before layers were stored apart
 * (before 0.2.0) hold an epoch in one {@code epoch=<e>/neurons.parquet}, written last; they are read as they
 * are. A glob {@code epoch=*}{@code /neurons*.parquet} reads both layouts.
 *
 * <p>Every file is written to a staging file and renamed into place atomically, so a reader never sees a
 * partial file and a rewrite replaces it whole (idempotent).
 */
public final class TraceStore {

    private static final Logger LOG = Logger.getLogger(TraceStore.class);
    public static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** The whole epoch in one file: the layout of traces written before 0.2.0. */
    public static final String LEGACY_NEURONS_FILE = "neurons.parquet";
    /** Written last into an epoch's folder: the epoch is complete. */
    public static final String ASSEMBLED_FILE = "assembled.json";
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

    /** One layer of an epoch: {@code epoch=<e>/neurons-<layer>.parquet}. */
    public Path layerFile(String runId, int epoch, String layer) {
        if (layer == null || !LAYER.matcher(layer).matches()) {
            throw new IllegalArgumentException("'" + layer + "' is not a layer name; layer names are 1 to 128 letters,"
                    + " digits or '_'");
        }
        return epochDir(runId, epoch).resolve("neurons-" + layer + ".parquet");
    }

    private static final Pattern LAYER = Pattern.compile("[A-Za-z0-9_]{1,128}");

    /** Where an epoch's neurons are read from: one file per layer, or the whole epoch in one (before 0.2.0). */
    public record EpochFiles(List<Path> files, boolean wholeEpoch) {
    }

    /** The files holding a complete epoch's neurons, layers in file-name order. */
    public EpochFiles epochFiles(String runId, int epoch) {
        Path legacy = epochDir(runId, epoch).resolve(LEGACY_NEURONS_FILE);
        if (Files.exists(legacy)) {
            return new EpochFiles(List.of(legacy), true);
        }
        return new EpochFiles(layerFilesIn(epochDir(runId, epoch)).sorted().toList(), false);
    }

    /** The file holding a layer of a complete epoch, and whether it holds the whole epoch (before 0.2.0). */
    public EpochFiles layerFiles(String runId, int epoch, String layer) {
        Path legacy = epochDir(runId, epoch).resolve(LEGACY_NEURONS_FILE);
        return Files.exists(legacy) ? new EpochFiles(List.of(legacy), true)
                : new EpochFiles(List.of(layerFile(runId, epoch, layer)), false);
    }

    /** The layers' Parquet files in an epoch's folder, complete epoch or not; none when there is no folder. */
    private static Stream<Path> layerFilesIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> LAYER_FILE.matcher(p.getFileName().toString()).matches())
                    .toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
    }

    /** An epoch is complete when its marker (or, before 0.2.0, its one neurons file) is there. */
    public boolean hasEpoch(String runId, int epoch) {
        Path dir = epochDir(runId, epoch);
        return Files.exists(dir.resolve(ASSEMBLED_FILE)) || Files.exists(dir.resolve(LEGACY_NEURONS_FILE));
    }

    /** Layers of an epoch stored so far, complete epoch or not (by name). */
    public java.util.Set<String> storedLayers(String runId, int epoch) {
        return layerFilesIn(epochDir(runId, epoch)).map(p -> LAYER_FILE.matcher(p.getFileName().toString()))
                .filter(java.util.regex.Matcher::matches).map(m -> m.group(1))
                .collect(java.util.stream.Collectors.toSet());
    }

    private static final Pattern LAYER_FILE = Pattern.compile("neurons-([A-Za-z0-9_]+)\\.parquet");

    /**
     * A table to stage one layer's neuron rows in while they arrive, and its lookup file.
     *
     * @param inputs incoming weights of each neuron (0 for the input layer)
     * @param classes class means of each neuron
     */
    public StagedTable stageNeurons(String runId, int epoch, String layer, int inputs, int classes) {
        return new StagedTable(TraceTables.layerStaging(inputs, classes), TraceTables.layerSelect(runId, layer), "neuron",
                new LayerLookup.Writer(lookupFile(runId, epoch, layer)));
    }

    /** A table to stage an epoch's batch rows in while they arrive. */
    public StagedTable stageBatches() {
        return new StagedTable(TraceTables.BATCH, "*", "batch, layer_index", null);
    }

    /**
     * The lookup file beside a layer's Parquet file, {@code neurons-<layer>.lookup} ({@link LayerLookup});
     * absent in traces stored before 0.2.0.
     */
    public Path lookupFile(String runId, int epoch, String layer) {
        return layerFile(runId, epoch, layer).resolveSibling("neurons-" + layer + ".lookup");
    }

    /** Writes a staged layer of an epoch to its file (the table is dropped). */
    public Path storeLayer(String runId, int epoch, String layer, StagedTable rows) {
        Path file = layerFile(runId, epoch, layer);
        try {
            Files.createDirectories(file.getParent());
            rows.writeTo(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write layer " + layer + " of E_" + epoch + " of run " + runId, e);
        }
    }

    /**
     * Completes an epoch whose layers are stored: its batches (when kept), its seal, and last the marker.
     *
     * @param batches staged batch rows, or null when none were sent
     * @return the epoch's folder
     */
    public Path completeEpoch(EpochSealed sealed, StagedTable batches, int rows) {
        String run = sealed.getRunId();
        int epoch = sealed.getEpoch();
        Path dir = epochDir(run, epoch);
        try {
            Files.createDirectories(dir);
            if (batches != null && batches.rows() > 0) {
                batches.writeTo(dir.resolve(BATCHES_FILE));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the batches of E_" + epoch + " of run " + run, e);
        } finally {
            if (batches != null) {
                batches.close();
            }
        }
        writeJsonAtomically(dir.resolve("sealed.json"), AvroJson.toJson(sealed));
        ObjectNode marker = json.createObjectNode();
        marker.put("run_id", run);
        marker.put("epoch", epoch);
        marker.put("rows", rows);
        marker.put("assembled_at_ms", System.currentTimeMillis());
        writeJsonAtomically(dir.resolve(ASSEMBLED_FILE), marker);
        return dir;
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
     * Writes one complete epoch at once, through the same staging as the collector's streaming (for tools, tests
     * and the warm-up).
     *
     * @return the epoch's folder
     */
    public Path writeEpoch(EpochSealed sealed, List<NeuronSnapshot> neurons, List<BatchSnapshot> batches) {
        String run = sealed.getRunId();
        int epoch = sealed.getEpoch();
        java.util.Map<String, List<NeuronSnapshot>> byLayer = new java.util.LinkedHashMap<>();
        for (NeuronSnapshot n : neurons) {
            byLayer.computeIfAbsent(n.getLayer(), k -> new ArrayList<>()).add(n);
        }
        for (java.util.Map.Entry<String, List<NeuronSnapshot>> layer : byLayer.entrySet()) {
            NeuronSnapshot first = layer.getValue().get(0);
            StagedTable rows = stageNeurons(run, epoch, layer.getKey(), first.getWeights().size(),
                    first.getClassMeans().size());
            layer.getValue().forEach(rows::add);
            storeLayer(run, epoch, layer.getKey(), rows);
        }
        StagedTable staged = null;
        if (!batches.isEmpty()) {
            staged = stageBatches();
            batches.forEach(staged::add);
        }
        return completeEpoch(sealed, staged, neurons.size());
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
            Path staging = stagingFor(target);
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

    /** A hidden file beside {@code target} to write it in before {@link #moveAtomically} puts it in place. */
    public static Path stagingFor(Path target) {
        return target.resolveSibling("." + target.getFileName() + STAGING + UUID.randomUUID());
    }

    private static final String STAGING = ".staging-";

    /**
     * Deletes the staging files that a writer killed mid-write left in epoch folders (a layer's Parquet or
     * lookup file, batches, an epoch's JSON), once they are {@code olderThan} old: their records are read again
     * from Kafka, so nothing of value is lost, only disk. A younger file may be another collector's, still
     * being written. Returns how many were deleted.
     */
    public int removeStaleStaging(java.time.Duration olderThan) {
        Path runs = root.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        long cutoff = System.currentTimeMillis() - olderThan.toMillis();
        int removed = 0;
        try (Stream<Path> files = Files.find(runs, 3, (p, a) -> a.isRegularFile()
                && p.getFileName().toString().startsWith(".") && p.getFileName().toString().contains(STAGING)
                && p.getParent().getFileName().toString().startsWith("epoch=") && a.lastModifiedTime().toMillis() < cutoff)) {
            for (Path p : files.toList()) {
                if (Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove stale staging files under " + runs, e);
        }
        return removed;
    }

    /** Puts a written staging file in place of {@code to}, atomically where the file system can (else a plain replace, with a warning). */
    public static void moveAtomically(Path from, Path to) throws IOException {
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
