package io.nnstain.analyzer.analysis;

import io.nnstain.schemas.config.AnalysisParams;
import io.nnstain.schemas.serde.AvroJson;
import io.nnstain.store.Duck;
import io.nnstain.store.StoredEpoch;
import io.nnstain.store.StoredRun;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Analyses a synthetic network (digits-sized) a few times before the service reports ready, so that the first
 * real epochs do not pay for JIT compilation and DuckDB's start: measured cold, the first epoch of a run took
 * 1.2 s and the next ones 150–350 ms, against ~60 ms warm, and the backlog pushed latency past 2 s.
 */
final class Warmup {

    private Warmup() {
    }

    static void run(int rounds) {
        try (Connection c = Duck.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB does not start: " + e.getMessage(), e);
        }
        int[] widths = {64, 64, 128, 64, 10};
        SplittableRandom rnd = new SplittableRandom(1);
        StoredRun run = syntheticRun(widths, 360, rnd);
        StoredEpoch previous = syntheticEpoch(0, widths, rnd);
        EpochAnalysis.Result prev = EpochAnalysis.analyse(run, previous, AnalysisParams.defaults(), null, null, false);
        for (int i = 0; i < rounds; i++) {
            StoredEpoch epoch = syntheticEpoch(i + 1, widths, rnd);
            EpochAnalysis.Result r = EpochAnalysis.analyse(run, epoch, AnalysisParams.defaults(), prev, previous, true);
            AvroJson.toJson(r.snapshot()).toString();
            prev = r;
            previous = epoch;
        }
    }

    private static StoredRun syntheticRun(int[] widths, int samples, SplittableRandom rnd) {
        List<String> names = new ArrayList<>();
        List<String> activations = new ArrayList<>();
        for (int l = 0; l < widths.length; l++) {
            names.add(l == 0 ? "input" : l == widths.length - 1 ? "output" : "hidden_" + l);
            activations.add(l == 0 || l == widths.length - 1 ? "identity" : "relu");
        }
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < widths[widths.length - 1]; c++) {
            classes.add(String.valueOf(c));
        }
        float[][] x = new float[samples][widths[0]];
        int[] y = new int[samples];
        for (int i = 0; i < samples; i++) {
            y[i] = i % classes.size();
            for (int j = 0; j < widths[0]; j++) {
                x[i][j] = (float) rnd.nextDouble(-1, 1);
            }
        }
        return new StoredRun("warm-up", "synthetic", 1, names, widths, activations, classes, List.of(), List.of(0, 1),
                x, y);
    }

    private static StoredEpoch syntheticEpoch(int epoch, int[] widths, SplittableRandom rnd) {
        int layers = widths.length;
        int classes = widths[layers - 1];
        float[][][] means = new float[layers][][];
        float[][][] w = new float[layers][][];
        float[][] b = new float[layers][];
        float[][][] g = new float[layers][][];
        float[][] gb = new float[layers][];
        for (int l = 0; l < layers; l++) {
            means[l] = new float[widths[l]][classes];
            for (float[] m : means[l]) {
                for (int c = 0; c < classes; c++) {
                    m[c] = (float) rnd.nextDouble(0, 1);
                }
            }
            if (l > 0) {
                w[l] = new float[widths[l]][widths[l - 1]];
                g[l] = new float[widths[l]][widths[l - 1]];
                b[l] = new float[widths[l]];
                gb[l] = new float[widths[l]];
                for (int k = 0; k < widths[l]; k++) {
                    for (int j = 0; j < widths[l - 1]; j++) {
                        w[l][k][j] = (float) rnd.nextDouble(-0.3, 0.3);
                        g[l][k][j] = (float) rnd.nextDouble(-0.01, 0.01);
                    }
                }
            }
        }
        return new StoredEpoch(epoch, means, w, b, g, gb);
    }
}
