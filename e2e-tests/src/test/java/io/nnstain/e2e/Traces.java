package io.nnstain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nnstain.store.Duck;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** Comparisons of stored traces for the end-to-end tests. */
final class Traces {

    private Traces() {
    }

    /** Both runs' traces hold the same rows (the run id aside), {@code epochs} epochs of them, none twice. */
    static void assertSame(Pipeline pipeline, String reference, String disturbed, int epochs) throws Exception {
        String a = "read_parquet(" + Duck.literal(pipeline.runDir(reference) + "/epoch=*/neurons-*.parquet")
                + ", hive_partitioning = true)";
        String b = "read_parquet(" + Duck.literal(pipeline.runDir(disturbed) + "/epoch=*/neurons-*.parquet")
                + ", hive_partitioning = true)";
        try (Connection c = Duck.connect(); Statement st = c.createStatement()) {
            assertEquals(epochs, scalar(st, "SELECT count(DISTINCT epoch) FROM " + b), "epochs stored");
            assertEquals(scalar(st, "SELECT count(*) FROM " + a), scalar(st, "SELECT count(*) FROM " + b), "rows");
            assertEquals(scalar(st, "SELECT count(*) FROM " + b),
                    scalar(st, "SELECT count(DISTINCT (epoch, layer, neuron)) FROM " + b), "no duplicate rows");
            assertEquals(0L, scalar(st, "SELECT count(*) FROM (SELECT * EXCLUDE (run_id) FROM " + a
                    + " EXCEPT ALL SELECT * EXCLUDE (run_id) FROM " + b + ")"), "rows missing");
            assertEquals(0L, scalar(st, "SELECT count(*) FROM (SELECT * EXCLUDE (run_id) FROM " + b
                    + " EXCEPT ALL SELECT * EXCLUDE (run_id) FROM " + a + ")"), "rows differ");
        }
    }

    static long scalar(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
