package io.nnstain.analyzer.analysis;

import io.nnstain.schemas.config.AnalysisParams;
import io.nnstain.schemas.serde.AvroJson;
import io.nnstain.store.StoredEpoch;
import io.nnstain.store.StoredRun;
import java.util.SplittableRandom;

/**
 * Analyses a synthetic network (digits-sized) a few times before the service reports ready, so that the first
 * real epochs do not pay for JIT compilation and DuckDB's start: measured cold, the first epoch of a run took
 * 1.2 s and the next ones 150–350 ms, against ~60 ms warm, and the backlog pushed latency past 2 s.
 */
final class Warmup {

    private Warmup() {
    }

    /** Up to {@code rounds} analyses, stopping early at {@code deadline} ({@link System#nanoTime()}). */
    static void run(int rounds, long deadline) {
        io.nnstain.store.StoreWarmup.run(20, deadline); // reading epochs back through DuckDB
        io.nnstain.schemas.serde.AvroSerde serde = new io.nnstain.schemas.serde.AvroSerde();
        int[] widths = {64, 64, 128, 64, 10};
        SplittableRandom rnd = new SplittableRandom(1);
        StoredRun run = Synthetic.run(widths, 360, rnd);
        StoredEpoch previous = Synthetic.epoch(0, widths, rnd, false);
        EpochAnalysis.Result prev = EpochAnalysis.analyse(run, previous, AnalysisParams.defaults(), null, null, false);
        for (int i = 0; i < rounds && (i == 0 || System.nanoTime() < deadline); i++) {
            StoredEpoch epoch = Synthetic.epoch(i + 1, widths, rnd, false);
            EpochAnalysis.Result r = EpochAnalysis.analyse(run, epoch, AnalysisParams.defaults(), prev, previous, true);
            AvroJson.toJson(r.snapshot()).toString();
            serde.encode(r.snapshot());
            prev = r;
            previous = epoch;
        }
    }
}
