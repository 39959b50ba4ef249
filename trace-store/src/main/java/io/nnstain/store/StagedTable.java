package io.nnstain.store;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.NeuronSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Rows of one part of the trace (a layer of an epoch, or an epoch's batches) while they arrive: appended to a
 * DuckDB table as they come, so the Java heap holds none of them (DuckDB keeps them within its memory limit and
 * spills to its temporary folder beyond it), then written to Parquet in one statement. Made by
 * {@link TraceStore}; not thread-safe (one consumer thread appends).
 */
public final class StagedTable implements AutoCloseable {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final String select;
    private final String orderBy;
    private final String table;
    private final Connection connection;
    private final LayerLookup.Writer lookup;
    private DuckDBAppender appender;
    private long rows;

    /**
     * @param columns the staged table's columns
     * @param select what a stored row is made of, from the staged columns
     * @param lookup where a layer's records go as encoded, for its lookup file; null for batches
     */
    StagedTable(List<TraceTables.Column> columns, String select, String orderBy, LayerLookup.Writer lookup) {
        this.select = select;
        this.orderBy = orderBy;
        this.lookup = lookup;
        this.table = "staged_" + SEQUENCE.incrementAndGet();
        try {
            connection = Duck.connect();
            try (Statement s = connection.createStatement()) {
                s.execute(TraceTables.create(table, columns));
            }
            appender = ((DuckDBConnection) connection).createAppender("main", table);
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB could not stage rows: " + e.getMessage(), e);
        }
    }

    private static final ThreadLocal<io.nnstain.schemas.serde.AvroSerde> SERDE =
            ThreadLocal.withInitial(io.nnstain.schemas.serde.AvroSerde::new);

    public void add(NeuronSnapshot n) {
        add(n, null);
    }

    /** @param encoded the snapshot as it was published (Avro single-object encoding), for the lookup file */
    public void add(NeuronSnapshot n, byte[] encoded) {
        check(true);
        try {
            lookup.add(n.getNeuron(), encoded != null ? encoded : SERDE.get().encode(n));
            TraceTables.append(appender, n);
            rows++;
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB could not stage " + n.getLayer() + " neuron " + n.getNeuron() + ": "
                    + e.getMessage(), e);
        }
    }

    public void add(BatchSnapshot b) {
        check(false);
        try {
            TraceTables.append(appender, b);
            rows++;
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB could not stage batch " + b.getBatch() + ": " + e.getMessage(), e);
        }
    }

    private void check(boolean neuronRows) {
        if ((lookup != null) != neuronRows) {
            throw new IllegalStateException("this table stages other rows");
        }
        if (appender == null) {
            throw new IllegalStateException("this table is stored or closed");
        }
    }

    public long rows() {
        return rows;
    }

    /**
     * Writes the rows, ordered, to {@code target} (a staging file renamed into place, so readers never see part
     * of it) and drops the table.
     */
    void writeTo(Path target) throws IOException {
        Path staging = TraceStore.stagingFor(target);
        try {
            if (lookup != null) {
                // before the Parquet file, whose presence means the layer is stored
                lookup.finish((int) rows);
            }
            appender.close();
            appender = null;
            try (Statement s = connection.createStatement()) {
                // row groups of 2048 rows, not DuckDB's 122880: a query for some neurons of a wide layer (by
                // neuron, the sort key) skips the other groups by their min/max statistics
                s.execute("COPY (SELECT " + select + " FROM " + table + " ORDER BY " + orderBy + ") TO "
                        + Duck.literal(staging.toString()) + " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE "
                        + ROW_GROUP + ")");
            }
            TraceStore.moveAtomically(staging, target);
        } catch (SQLException e) {
            throw new IOException("DuckDB could not write " + target + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(staging);
            close();
        }
    }

    /** Rows per Parquet row group (DuckDB's vector size; DuckDB writes no smaller groups whatever is asked). */
    static final int ROW_GROUP = 2048;

    /** The staged neuron rows as records again (for the dead-letter topic when their epoch is given up). */
    public List<NeuronSnapshot> neurons(int epoch) {
        check(true);
        return read(rs -> TraceTables.neuron(rs, epoch));
    }

    public List<BatchSnapshot> batches(int epoch) {
        check(false);
        return read(rs -> TraceTables.batch(rs, epoch));
    }

    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> read(RowReader<T> reader) {
        List<T> out = new ArrayList<>();
        try {
            appender.flush();
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT " + select + " FROM " + table)) {
                while (rs.next()) {
                    out.add(reader.read(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB could not read staged rows: " + e.getMessage(), e);
        }
        return out;
    }

    /** Drops the table and its rows. */
    @Override
    public void close() {
        if (lookup != null) {
            lookup.close(); // again after a store: harmless
        }
        try {
            if (appender != null) {
                appender.close();
                appender = null;
            }
            if (!connection.isClosed()) {
                try (Statement s = connection.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + table);
                }
                connection.close();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB could not drop " + table + ": " + e.getMessage(), e);
        }
    }
}
