package io.nnstain.store;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.NeuronSnapshot;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;

/**
 * The trace's two tables, neurons and batches: their columns, defined here once, how a record becomes a row
 * (appended straight into DuckDB, no staging format in between) and how a row becomes the record again.
 * Numbers keep the record's precision (FLOAT for float fields, DOUBLE for the loss) and NaN or infinities stay
 * what they are.
 */
public final class TraceTables {

    /** A column of a stored table: its name and DuckDB type. */
    public record Column(String name, String type) {
    }

    /** One row per neuron of a scanned epoch; the epoch is in the file's path. */
    public static final List<Column> NEURON = List.of(new Column("run_id", "VARCHAR"), new Column("layer", "VARCHAR"),
            new Column("layer_index", "INTEGER"), new Column("neuron", "INTEGER"), new Column("samples", "BIGINT"),
            new Column("act_mean", "FLOAT"), new Column("act_std", "FLOAT"), new Column("act_min", "FLOAT"),
            new Column("act_max", "FLOAT"), new Column("zero_fraction", "FLOAT"), new Column("class_means", "FLOAT[]"),
            new Column("bias", "FLOAT"), new Column("weights", "FLOAT[]"), new Column("grad_weight_norm", "FLOAT"),
            new Column("grad_bias", "FLOAT"), new Column("weight_change", "FLOAT"),
            new Column("grad_weight_mean", "FLOAT[]"));

    /** One row per layer and batch of a trained epoch, when batches are kept. */
    public static final List<Column> BATCH = List.of(new Column("run_id", "VARCHAR"), new Column("batch", "INTEGER"),
            new Column("layer", "VARCHAR"), new Column("layer_index", "INTEGER"), new Column("batch_size", "INTEGER"),
            new Column("loss", "DOUBLE"), new Column("neuron_means", "FLOAT[]"), new Column("zero_fraction", "FLOAT"));

    private TraceTables() {
    }

    static String create(String table, List<Column> columns) {
        return "CREATE TABLE " + table + " (" + columns.stream().map(c -> c.name() + " " + c.type())
                .collect(Collectors.joining(", ")) + ")";
    }

    /** Columns the same in every row of a layer's file: staged as constants, not per row. */
    static final List<String> LAYER_CONSTANTS = List.of("run_id", "layer");

    /**
     * How one layer's rows are staged: without the constant columns, and with its vectors as fixed-size arrays
     * (DuckDB appends those at about two thirds of the cost of lists; measured 8.5 against 13 µs a row) up to
     * {@link #FIXED_ARRAY_MAX} values; longer vectors stay lists, since DuckDB sizes an array column for a whole
     * vector of 2048 rows (16384 weights: 128 MiB for ten neurons).
     */
    static List<Column> layerStaging(int inputs, int classes) {
        return NEURON.stream().filter(c -> !LAYER_CONSTANTS.contains(c.name())).map(c -> switch (c.name()) {
            case "class_means" -> fixed(c, classes);
            case "weights", "grad_weight_mean" -> fixed(c, inputs);
            default -> c;
        }).toList();
    }

    static final int FIXED_ARRAY_MAX = 2048;

    private static Column fixed(Column list, int size) {
        return size == 0 || size > FIXED_ARRAY_MAX ? list : new Column(list.name(), "FLOAT[" + size + "]");
    }

    /** The staged layer as stored: the neuron columns in order, constants and list types restored. */
    static String layerSelect(String runId, String layer) {
        return NEURON.stream().map(c -> switch (c.name()) {
            case "run_id" -> Duck.literal(runId) + " AS run_id";
            case "layer" -> Duck.literal(layer) + " AS layer";
            default -> c.type().endsWith("[]") ? c.name() + "::" + c.type() + " AS " + c.name() : c.name();
        }).collect(Collectors.joining(", "));
    }

    /** Appends a snapshot to a layer's staged table ({@link #layerStaging}). */
    static void append(DuckDBAppender a, NeuronSnapshot n) throws SQLException {
        a.beginRow();
        a.append(n.getLayerIndex());
        a.append(n.getNeuron());
        a.append(n.getSamples());
        a.append(n.getActMean());
        a.append(n.getActStd());
        a.append(n.getActMin());
        a.append(n.getActMax());
        a.append(n.getZeroFraction());
        a.append(floats(n.getClassMeans()));
        appendNullable(a, n.getBias());
        a.append(floats(n.getWeights()));
        appendNullable(a, n.getGradWeightNorm());
        appendNullable(a, n.getGradBias());
        appendNullable(a, n.getWeightChange());
        if (n.getGradWeightMean() == null) {
            a.appendNull();
        } else {
            a.append(floats(n.getGradWeightMean()));
        }
        a.endRow();
    }

    static void append(DuckDBAppender a, BatchSnapshot b) throws SQLException {
        a.beginRow();
        a.append(b.getRunId());
        a.append(b.getBatch());
        a.append(b.getLayer());
        a.append(b.getLayerIndex());
        a.append(b.getBatchSize());
        a.append(b.getLoss());
        a.append(floats(b.getNeuronMeans()));
        a.append(b.getZeroFraction());
        a.endRow();
    }

    /** The snapshot a stored row was made from ({@code epoch} is not in the row: it is in the path). */
    static NeuronSnapshot neuron(ResultSet rs, int epoch) throws SQLException {
        List<Float> gradMean = list(rs.getArray("grad_weight_mean"));
        return NeuronSnapshot.newBuilder().setRunId(rs.getString("run_id")).setEpoch(epoch)
                .setLayer(rs.getString("layer")).setLayerIndex(rs.getInt("layer_index")).setNeuron(rs.getInt("neuron"))
                .setSamples(rs.getLong("samples")).setActMean(rs.getFloat("act_mean")).setActStd(rs.getFloat("act_std"))
                .setActMin(rs.getFloat("act_min")).setActMax(rs.getFloat("act_max"))
                .setZeroFraction(rs.getFloat("zero_fraction")).setClassMeans(list(rs.getArray("class_means")))
                .setBias(nullable(rs, "bias")).setWeights(list(rs.getArray("weights")))
                .setGradWeightNorm(nullable(rs, "grad_weight_norm")).setGradBias(nullable(rs, "grad_bias"))
                .setWeightChange(nullable(rs, "weight_change")).setGradWeightMean(gradMean).build();
    }

    static BatchSnapshot batch(ResultSet rs, int epoch) throws SQLException {
        return BatchSnapshot.newBuilder().setRunId(rs.getString("run_id")).setEpoch(epoch).setBatch(rs.getInt("batch"))
                .setLayer(rs.getString("layer")).setLayerIndex(rs.getInt("layer_index"))
                .setBatchSize(rs.getInt("batch_size")).setLoss(rs.getDouble("loss"))
                .setNeuronMeans(list(rs.getArray("neuron_means"))).setZeroFraction(rs.getFloat("zero_fraction")).build();
    }

    private static void appendNullable(DuckDBAppender a, Float value) throws SQLException {
        if (value == null) {
            a.appendNull();
        } else {
            a.append(value.floatValue());
        }
    }

    private static Float nullable(ResultSet rs, String column) throws SQLException {
        float v = rs.getFloat(column);
        return rs.wasNull() ? null : v;
    }

    private static float[] floats(List<Float> values) {
        return io.nnstain.schemas.serde.NeuronSnapshotDecoder.Floats.of(values);
    }

    private static List<Float> list(Array array) throws SQLException {
        return array == null ? null : new io.nnstain.schemas.serde.NeuronSnapshotDecoder.Floats(floats(array));
    }

    /**
     * A stored FLOAT[] as floats, empty for a NULL array; a NULL element (only in traces stored before
     * non-finite numbers were kept as they are) reads as NaN.
     */
    static float[] floats(Array array) throws SQLException {
        if (array == null) {
            return new float[0];
        }
        Object[] values = (Object[]) array.getArray();
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i] == null ? Float.NaN : ((Number) values[i]).floatValue();
        }
        return out;
    }
}
