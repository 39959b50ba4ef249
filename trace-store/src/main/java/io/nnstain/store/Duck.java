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

    /** A SQL string literal. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
