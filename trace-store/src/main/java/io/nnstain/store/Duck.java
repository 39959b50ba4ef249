package io.nnstain.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/** Connections to one in-memory DuckDB database per process, for reading and writing Parquet. */
public final class Duck {

    private static DuckDBConnection base;

    private Duck() {
    }

    /**
     * A new connection to the process's in-memory database: opening a database costs ~10 ms, a duplicated
     * connection next to nothing. Opened through the driver directly: from a second class loader (Quarkus tests,
     * dev mode) DriverManager finds no driver.
     */
    public static Connection connect() throws SQLException {
        DuckDBConnection b;
        synchronized (Duck.class) {
            if (base == null || base.isClosed()) {
                base = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
            }
            b = base;
        }
        return b.duplicate();
    }

    /**
     * Caps the memory of the process's database (its Parquet reads and staged rows): beyond {@code limit}
     * (DuckDB's notation, e.g. {@code 256MB}) data spills to {@code spill}.
     */
    public static void limitMemory(String limit, java.nio.file.Path spill) {
        if (!limit.matches("[0-9]+(\\.[0-9]+)? ?(KB|MB|GB|KiB|MiB|GiB)")) {
            throw new IllegalArgumentException("staging memory '" + limit + "' is not a size; accepted: a number and"
                    + " KB, MB, GB, KiB, MiB or GiB, e.g. 256MB");
        }
        try (Connection c = connect(); java.sql.Statement s = c.createStatement()) {
            java.nio.file.Files.createDirectories(spill);
            s.execute("SET GLOBAL memory_limit = " + literal(limit));
            s.execute("SET GLOBAL temp_directory = " + literal(spill.toString()));
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("could not limit DuckDB's memory to " + limit + ": " + e.getMessage(), e);
        }
    }

    /** A SQL string literal. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
