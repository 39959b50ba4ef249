package io.nnstain.store;

import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.serde.AvroJson;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.serde.NeuronSnapshotDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the stored trace with DuckDB: one neuron, a layer or an epoch as JSON, a whole run as CSV or JSON lines. */
public final class TraceReader {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final TraceStore store;
    /** connections kept open between reads: opening one per read cost more than the read of a neuron */
    private final java.util.concurrent.ConcurrentLinkedDeque<Connection> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();

    public TraceReader(TraceStore store) {
        this.store = store;
    }

    /** The neuron as a JSON object, or empty when the epoch's file has no such row. */
    public Optional<String> neuron(String run, int epoch, String layer, int neuron) {
        Path lookup = store.lookupFile(run, epoch, layer);
        if (Files.exists(lookup)) {
            try {
                byte[] bytes = LayerLookup.read(lookup, neuron);
                if (bytes == null) {
                    return Optional.empty();
                }
                return Optional.of(JSON.writeValueAsString(json(SERDE.get().decode(bytes, NeuronSnapshot.class))));
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + lookup, e);
            }
        }
        TraceStore.EpochFiles files = store.layerFiles(run, epoch, layer);
        List<String> rows = files.wholeEpoch() ? query(files, epoch, "layer = ? AND neuron = ?", layer, neuron)
                : query(files, epoch, "neuron = ?", neuron);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static final ThreadLocal<AvroSerde> SERDE = ThreadLocal.withInitial(AvroSerde::new);

    /** A snapshot as a lookup row: what {@link RowJson} makes of its stored row (epoch first, no run id). */
    static com.fasterxml.jackson.databind.node.ObjectNode json(NeuronSnapshot n) {
        com.fasterxml.jackson.databind.node.ObjectNode row = AvroJson.toJson(n);
        row.remove("run_id");
        return row;
    }

    /** Every neuron of an epoch, or of one layer of it when {@code layer} is given, as a JSON array. */
    public String slice(String run, int epoch, String layer) {
        List<String> rows;
        if (layer == null) {
            rows = query(store.epochFiles(run, epoch), epoch, "TRUE");
        } else {
            TraceStore.EpochFiles files = store.layerFiles(run, epoch, layer);
            rows = files.wholeEpoch() ? query(files, epoch, "layer = ?", layer) : query(files, epoch, "TRUE");
        }
        return "[" + String.join(",", rows) + "]";
    }

    private List<String> query(TraceStore.EpochFiles files, int epoch, String where, Object... params) {
        String sql = "SELECT " + epoch + " AS epoch, * EXCLUDE (run_id) FROM " + parquet(files.files())
                + " WHERE " + where + " ORDER BY layer_index, neuron";
        Connection c = borrow();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(JSON.writeValueAsString(RowJson.of(rs)));
                }
            }
            return rows;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read " + files.files() + ": " + e.getMessage(), e);
        } finally {
            idle.push(c);
        }
    }

    private Connection borrow() {
        Connection c = idle.poll();
        try {
            return c != null && !c.isClosed() ? c : Duck.connect();
        } catch (SQLException e) {
            throw new IllegalStateException("could not open DuckDB: " + e.getMessage(), e);
        }
    }

    /** {@code read_parquet} of some files, their columns matched by name (older files lack newer columns). */
    private static String parquet(List<Path> files) {
        return "read_parquet(" + sqlList(files) + ", union_by_name = true, hive_partitioning = false)";
    }

    /** Paths as a SQL list of string literals: {@code ['a', 'b']}. */
    private static String sqlList(List<Path> files) {
        return files.stream().map(f -> Duck.literal(f.toString())).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    /**
     * The run's RunStarted as stored, typed; empty when the collector has not stored it (yet). Read once and
     * again only when run.json changes: it carries the probe set (up to a million numbers), too much to parse
     * for every request. At most {@value #RUNS_KEPT} runs are kept, so the memory this takes does not grow with
     * the number of runs stored.
     */
    public Optional<StoredRun> run(String run) {
        Path file = store.runDir(run).resolve("run.json");
        long modified;
        try {
            modified = Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            runs.remove(run);
            return Optional.empty();
        }
        KeptRun kept = runs.get(run);
        if (kept != null && kept.modified() == modified) {
            return Optional.of(kept.run());
        }
        Optional<StoredRun> read = store.readJson(run, "run.json").map(StoredRun::of);
        read.ifPresent(r -> {
            runs.put(run, new KeptRun(r, modified));
            if (runs.size() > RUNS_KEPT) {
                // another run goes, whichever comes first: it is parsed again when asked for
                runs.keySet().stream().filter(k -> !k.equals(run)).findFirst().ifPresent(runs::remove);
            }
        });
        return read;
    }

    static final int RUNS_KEPT = 32;

    private record KeptRun(StoredRun run, long modified) {
    }

    /** lock-free reads: every signature lookup asks for its run */
    private final java.util.Map<String, KeptRun> runs = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Every neuron of a stored epoch as arrays (weights, biases, class means; mean gradients where the trace
     * has them).
     *
     * @throws IllegalStateException when the epoch is not stored or does not match the run's topology
     */
    public StoredEpoch epoch(StoredRun run, int epoch) {
        EpochArrays arrays = new EpochArrays(run, epoch);
        if (!store.hasEpoch(run.runId(), epoch)) {
            throw new IllegalStateException("epoch " + epoch + " of run " + run.runId() + " is not stored");
        }
        TraceStore.EpochFiles files = store.epochFiles(run.runId(), epoch);
        if (!files.wholeEpoch() && run.layerNames().stream()
                .allMatch(l -> Files.isRegularFile(store.lookupFile(run.runId(), epoch, l)))) {
            // from the lookup files: the records as published, decoded straight into arrays one at a time (no
            // DuckDB buffers, no boxed numbers); the Parquet files below are the same values
            return epochFromLookups(run, epoch, arrays);
        }
        List<Path> file = files.files();
        // every column, so that traces from before grad_weight_mean was recorded read too
        String sql = "SELECT * FROM " + parquet(file);
        Connection c = borrow();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            boolean hasGradients = false;
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                hasGradients |= rs.getMetaData().getColumnName(i).equals("grad_weight_mean");
            }
            while (rs.next()) {
                int l = rs.getInt("layer_index");
                arrays.put(l, rs.getInt("neuron"), TraceTables.floats(rs.getArray("class_means")),
                        l > 0 ? TraceTables.floats(rs.getArray("weights")) : null, rs.getFloat("bias"),
                        rs.getFloat("grad_bias"), l > 0 && hasGradients && rs.getArray("grad_weight_mean") != null
                                ? TraceTables.floats(rs.getArray("grad_weight_mean")) : null);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read " + file + ": " + e.getMessage(), e);
        } finally {
            idle.push(c);
        }
        return arrays.complete();
    }

    private StoredEpoch epochFromLookups(StoredRun run, int epoch, EpochArrays arrays) {
        for (int l = 0; l < run.layerCount(); l++) {
            int layer = l;
            Path lookup = store.lookupFile(run.runId(), epoch, run.layerNames().get(l));
            try {
                LayerLookup.forEach(lookup, (n, bytes) -> {
                    NeuronSnapshot s = snapshot(bytes);
                    if (n >= run.widths()[layer] || s.getNeuron() != n || s.getLayerIndex() != layer) {
                        throw new IllegalStateException(lookup + " holds neuron " + s.getNeuron() + " of layer "
                                + s.getLayerIndex() + " at neuron " + n + " of layer " + layer + " (width "
                                + run.widths()[layer] + ")");
                    }
                    arrays.put(layer, n, NeuronSnapshotDecoder.Floats.of(s.getClassMeans()),
                            NeuronSnapshotDecoder.Floats.of(s.getWeights()),
                            s.getBias() == null ? 0f : s.getBias(), // as JDBC reads a NULL
                            s.getGradBias() == null ? 0f : s.getGradBias(),
                            s.getGradWeightMean() == null ? null : NeuronSnapshotDecoder.Floats.of(s.getGradWeightMean()));
                });
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + lookup, e);
            }
        }
        return arrays.complete();
    }

    /**
     * An epoch's arrays as they are filled, neuron by neuron, from the lookup files or the Parquet files alike:
     * each neuron checked against the run's topology, and the count of neurons when complete.
     */
    private static final class EpochArrays {

        private final StoredRun run;
        private final int epoch;
        private final float[][][] classMeans;
        private final float[][][] weights;
        private final float[][] bias;
        private final float[][][] gradWeights;
        private final float[][] gradBias;
        private int rows;
        private boolean gradientsSeen;

        EpochArrays(StoredRun run, int epoch) {
            this.run = run;
            this.epoch = epoch;
            int layers = run.layerCount();
            classMeans = new float[layers][][];
            weights = new float[layers][][];
            bias = new float[layers][];
            gradWeights = new float[layers][][];
            gradBias = new float[layers][];
            for (int l = 0; l < layers; l++) {
                classMeans[l] = new float[run.widths()[l]][];
                if (l > 0) {
                    weights[l] = new float[run.widths()[l]][];
                    bias[l] = new float[run.widths()[l]];
                    gradWeights[l] = new float[run.widths()[l]][];
                    gradBias[l] = new float[run.widths()[l]];
                }
            }
        }

        /** One neuron; its weights, biases and gradients count only after the input layer. */
        void put(int l, int n, float[] means, float[] w, float b, float gb, float[] gw) {
            if (l < 0 || l >= classMeans.length || n < 0 || n >= run.widths()[l]) {
                throw new IllegalStateException("epoch " + epoch + " of run " + run.runId() + " holds neuron " + n
                        + " of layer " + l + ", outside the run's topology");
            }
            if (means.length != run.classCount()) {
                throw new IllegalStateException("neuron " + n + " of layer " + l + " has " + means.length
                        + " class means; the run has " + run.classCount() + " classes");
            }
            classMeans[l][n] = means;
            if (l > 0) {
                weights[l][n] = w;
                bias[l][n] = b;
                gradBias[l][n] = gb;
                if (gw != null) {
                    gradWeights[l][n] = gw;
                    gradientsSeen = true;
                }
            }
            rows++;
        }

        StoredEpoch complete() {
            int expected = java.util.Arrays.stream(run.widths()).sum();
            if (rows != expected) {
                throw new IllegalStateException("epoch " + epoch + " of run " + run.runId() + " holds " + rows
                        + " neurons; the topology has " + expected);
            }
            return gradientsSeen ? new StoredEpoch(epoch, classMeans, weights, bias, gradWeights, gradBias)
                    : new StoredEpoch(epoch, classMeans, weights, bias, null, null);
        }
    }

    private static final ThreadLocal<NeuronSnapshotDecoder> DECODER = ThreadLocal.withInitial(NeuronSnapshotDecoder::new);

    /** A stored record: the current schema decoded straight into arrays, any other through Avro's reader. */
    private static NeuronSnapshot snapshot(byte[] bytes) {
        NeuronSnapshot fast = DECODER.get().decode(bytes);
        return fast != null ? fast : SERDE.get().decode(bytes, NeuronSnapshot.class);
    }

    /**
     * One layer over the stored epochs: per epoch and neuron its mean activation, class means and weight change
     * (NaN where the trace has none: the input layer, and E_0).
     *
     * @param epochs the epochs to read, each stored
     */
    public LayerHistory layerHistory(StoredRun run, String layer, List<Integer> epochs) {
        int l = run.layerIndex(layer);
        if (l < 0) {
            throw new IllegalArgumentException("run " + run.runId() + " has no layer '" + layer + "'; layers: "
                    + String.join(", ", run.layerNames()));
        }
        int width = run.widths()[l];
        int[] es = epochs.stream().mapToInt(Integer::intValue).toArray();
        float[][] act = new float[es.length][width];
        float[][][] means = new float[es.length][width][];
        float[][] change = new float[es.length][width];
        java.util.Map<String, Integer> row = new java.util.HashMap<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < es.length; i++) {
            Path file = store.layerFiles(run.runId(), es[i], layer).files().get(0);
            row.put(file.toString(), i);
            files.add(file);
            java.util.Arrays.fill(act[i], Float.NaN);
            java.util.Arrays.fill(change[i], Float.NaN);
        }
        if (es.length == 0) {
            return new LayerHistory(layer, es, act, means, change);
        }
        String sql = "SELECT filename, neuron, act_mean, class_means, weight_change FROM read_parquet(" + sqlList(files)
                + ", filename = true, union_by_name = true, hive_partitioning = false) WHERE layer_index = " + l;
        Connection c = borrow();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                Integer i = row.get(rs.getString(1));
                int n = rs.getInt(2);
                if (i == null || n < 0 || n >= width) {
                    continue;
                }
                act[i][n] = rs.getFloat(3);
                means[i][n] = TraceTables.floats(rs.getArray(4));
                float w = rs.getFloat(5);
                change[i][n] = rs.wasNull() ? Float.NaN : w;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read layer " + layer + " of run " + run.runId() + ": "
                    + e.getMessage(), e);
        } finally {
            idle.push(c);
        }
        return new LayerHistory(layer, es, act, means, change);
    }

    /**
     * A layer over epochs, indexed [epoch][neuron] ([epoch][neuron][class] for class means).
     *
     * @param epochs the epoch of each first index
     */
    public record LayerHistory(String layer, int[] epochs, float[][] actMean, float[][][] classMeans,
            float[][] weightChange) {
    }

    /**
     * The export's columns, each as stored or, where the files predate it (grad_weight_mean before 0.2.0),
     * NULL of its type: every export has the same columns.
     */
    private static String columnsOf(Statement s, String from) throws SQLException {
        java.util.Set<String> present = new java.util.HashSet<>();
        try (ResultSet rs = s.executeQuery("DESCRIBE SELECT *" + from)) {
            while (rs.next()) {
                present.add(rs.getString(1));
            }
        }
        List<String> out = new ArrayList<>();
        out.add("epoch");
        for (TraceTables.Column c : TraceTables.NEURON) {
            if (!c.name().equals("run_id")) {
                out.add(present.contains(c.name()) ? c.name() : "NULL::" + c.type() + " AS " + c.name());
            }
        }
        return String.join(", ", out);
    }

    public enum Format {
        CSV, JSON;

        public static Format parse(String text) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(text)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("format '" + text + "' is not accepted; accepted: csv, json");
        }
    }

    /** Writes every stored epoch of a run, one row per neuron and epoch, ordered by epoch, layer, neuron. */
    public Path export(String run, Format format, Path out) {
        List<Integer> epochs = store.assembledEpochs(run);
        if (epochs.isEmpty()) {
            throw new IllegalStateException("run " + run + " has no assembled epoch yet");
        }
        List<Path> files = new ArrayList<>();
        for (int e : epochs) {
            files.addAll(store.epochFiles(run, e).files());
        }
        Path staging = out.resolveSibling("." + out.getFileName() + ".staging");
        // the epoch from each file's folder (epoch=<e>), only complete epochs' files
        String from = " FROM read_parquet(" + sqlList(files)
                + ", hive_partitioning = true, hive_types = {epoch: INTEGER}, union_by_name = true)";
        try (Connection c = Duck.connect(); Statement s = c.createStatement()) {
            String select = "SELECT " + columnsOf(s, from) + from + " ORDER BY epoch, layer_index, neuron";
            if (format == Format.CSV) {
                s.execute("COPY (" + select + ") TO " + Duck.literal(staging.toString()) + " (FORMAT csv, HEADER true)");
            } else {
                // written here rather than by DuckDB, which prints a FLOAT as its widened double (0.30000001192092896)
                try (ResultSet rs = s.executeQuery(select);
                        java.io.Writer w = Files.newBufferedWriter(staging)) {
                    while (rs.next()) {
                        w.write(JSON.writeValueAsString(RowJson.of(rs)));
                        w.write('\n');
                    }
                }
            }
            Files.move(staging, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("could not export run " + run + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
