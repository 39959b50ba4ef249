package io.nnstain.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.duckdb.DuckDBDriver;

/** In-memory DuckDB connections for reading and writing Parquet. */
public final class Duck {

    private Duck() {
    }

    /**
     * Opened through the driver directly: from a second class loader (Quarkus tests, dev mode)
     * DriverManager finds no driver.
     */
    public static Connection connect() throws SQLException {
        return new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
    }

    /** A SQL string literal. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
