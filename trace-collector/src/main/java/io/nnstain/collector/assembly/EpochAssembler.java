package io.nnstain.collector.assembly;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.signature.NetworkSignature;
import io.nnstain.store.StoredRun;
import io.nnstain.store.TraceStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Assembles the records of each scanned epoch as they stream in: each layer is stored as soon as its last
 * neuron is in (its rows staged in DuckDB meanwhile, not in the heap), and the epoch completes once its seal,
 * every layer and its batches are stored.
 *
 * <p>Idempotent: snapshots of a layer or epoch already stored are skipped (a replay or redelivery), and a seal
 * of a stored epoch only announces it again. With {@link #safeOffset} the consumer commits no offset past a record that is not yet
 * durable, so a crash loses nothing: what was pending is read again.
 *
 * <p>Records are checked against their run's RunStarted (layers, widths, classes, scanned epochs); one that
 * does not fit is rejected with the reason, for the dead-letter topic. An epoch that can no longer complete is
 * given up by {@link #releaseStale}: its run finished and the epoch has had no record for the finished grace,
 * or its run sent nothing for the abandon time. Its records are rejected (they stay on the dead-letter topic
 * for a replay), so memory is freed and offsets move on; a run silent that long without RunFinished is
 * marked abandoned in the store. What was complete stays stored.
 */
public final class EpochAssembler {

    private static final Logger LOG = Logger.getLogger(EpochAssembler.class);

    /** A record refused, with its key as the trainer sent it and why. */
    public record Rejected(String key, SpecificRecord record, String reason) {

        static Rejected of(SpecificRecord record, String reason) {
            String key = record instanceof NeuronSnapshot n
                    ? new NetworkSignature(n.getEpoch(), n.getLayer(), n.getNeuron()).toString()
                    : String.valueOf(record.get(0)); // run_id, first field of every trace record
            return new Rejected(key, record, reason);
        }
    }

    /** What taking a record, or looking for stale epochs, produced. */
    public record Outcome(List<EpochAssembled> assembled, List<Rejected> rejected) {

        static final Outcome NOTHING = new Outcome(List.of(), List.of());

        static Outcome assembled(EpochAssembled a) {
            return new Outcome(List.of(a), List.of());
        }

        static Outcome rejected(SpecificRecord r, String reason) {
            return new Outcome(List.of(), List.of(Rejected.of(r, reason)));
        }
    }

    private final TraceStore store;
    private final Duration finishedGrace;
    private final Duration abandonAfter;
    private final LongSupplier clock;
    private record EpochKey(String run, int epoch) {
    }

    private final Map<EpochKey, PendingEpoch> pending = new HashMap<>();
    private final Map<String, RunShape> shapes = new HashMap<>();
    /** runs not finished, by the time their last record was read: for marking silent ones abandoned */
    private final Map<String, Long> lastSeen = new HashMap<>();
    /** runs whose RunFinished was read, by when */
    private final Map<String, Long> finishedAt = new HashMap<>();
    private long duplicatesSkipped;
    private long rowsWritten;
    private long epochsReleased;

    public EpochAssembler(TraceStore store) {
        this(store, Duration.ofSeconds(30), Duration.ofMinutes(10), System::currentTimeMillis);
    }

    /**
     * @param finishedGrace how long an incomplete epoch of a finished run may wait for its last records
     * @param abandonAfter how long a run may send nothing before it is marked abandoned
     */
    public EpochAssembler(TraceStore store, Duration finishedGrace, Duration abandonAfter, LongSupplier clock) {
        this.store = store;
        this.finishedGrace = finishedGrace;
        this.abandonAfter = abandonAfter;
        this.clock = clock;
        long now = clock.getAsLong();
        // runs stored as running before a restart: their silence counts from now
        for (String run : store.runs()) {
            if (store.runStatus(run) == TraceStore.RunStatus.RUNNING) {
                lastSeen.put(run, now);
            }
        }
    }

    /** Takes one record: the epochs it completed (written and durable, to be announced) and what it rejected. */
    public Outcome accept(SpecificRecord record, TopicPartition partition, long offset) {
        return accept(record, null, partition, offset);
    }

    /**
     * @param encoded the record's bytes as read (kept in the layer's lookup file), or null to encode it again
     */
    public Outcome accept(SpecificRecord record, byte[] encoded, TopicPartition partition, long offset) {
        long now = clock.getAsLong();
        if (record instanceof RunStarted started) {
            return started(started, now);
        }
        if (record instanceof RunFinished finished) {
            return finished(finished, now);
        }
        if (record instanceof NeuronSnapshot s) {
            return offer(s, encoded, s.getRunId(), s.getEpoch(), partition, offset, now);
        }
        if (record instanceof BatchSnapshot b) {
            return offer(b, null, b.getRunId(), b.getEpoch(), partition, offset, now);
        }
        if (record instanceof EpochSealed sealed) {
            store.runDir(sealed.getRunId()); // a malformed run id is refused before anything else
            String problem = shape(sealed.getRunId()).map(shape -> shape.problem(sealed)).orElse(null);
            if (problem != null) {
                return Outcome.rejected(sealed, problem);
            }
            if (store.hasEpoch(sealed.getRunId(), sealed.getEpoch())) {
                duplicatesSkipped++;
                return Outcome.assembled(announce(sealed, store.epochDir(sealed.getRunId(), sealed.getEpoch()),
                        sum(sealed.getSnapshotsPerLayer())));
            }
            return offer(sealed, null, sealed.getRunId(), sealed.getEpoch(), partition, offset, now);
        }
        return Outcome.rejected(record, record.getClass().getSimpleName() + " is not a trace record");
    }

    private Outcome started(RunStarted started, long now) {
        String run = started.getRunId();
        store.writeRunStarted(started);
        RunShape shape = RunShape.of(started);
        shapes.put(run, shape);
        if (!finishedAt.containsKey(run)) {
            lastSeen.put(run, now);
        }
        LOG.infof("run %s started: %d layers, scanned epochs %s", run, shape.widths().length, started.getScannedEpochs());
        // records that came before their RunStarted (other partitions are read in any order) are checked now
        List<Rejected> rejected = new ArrayList<>();
        List<EpochAssembled> assembled = new ArrayList<>();
        for (PendingEpoch p : List.copyOf(pending.values())) {
            if (p.runId.equals(run)) {
                for (SpecificRecord r : p.takeEarly()) {
                    String problem = problem(shape, r);
                    if (problem != null) {
                        rejected.add(Rejected.of(r, problem));
                    } else {
                        // their offsets stay held by the epoch as a whole until it completes
                        stage(p, r, null, shape, null, -1);
                    }
                }
                completeIfDone(p).ifPresent(assembled::add);
            }
        }
        return new Outcome(assembled, rejected);
    }

    private Outcome finished(RunFinished finished, long now) {
        String run = finished.getRunId();
        if (shape(run).isEmpty()) {
            return Outcome.rejected(finished, "RunFinished of run " + run + ", which never started (no RunStarted)");
        }
        store.writeRunFinished(finished);
        lastSeen.remove(run);
        finishedAt.put(run, now);
        LOG.infof("run %s finished: %s%s", run, finished.getStatus(),
                finished.getDivergence() == null ? "" : " (diverged: " + finished.getDivergence().getWhat() + ")");
        return Outcome.NOTHING;
    }

    private static String problem(RunShape shape, SpecificRecord r) {
        if (r instanceof NeuronSnapshot n) {
            return shape.problem(n);
        }
        if (r instanceof BatchSnapshot b) {
            return shape.problem(b);
        }
        return shape.problem((EpochSealed) r);
    }

    /** Puts a record that fits the run in its place: a neuron in its layer (stored when complete), a batch, the seal. */
    private void stage(PendingEpoch p, SpecificRecord r, byte[] encoded, RunShape shape, TopicPartition partition,
            long offset) {
        if (r instanceof NeuronSnapshot n) {
            rowsWritten += p.add(n, encoded, shape, store, partition, offset);
        } else if (r instanceof BatchSnapshot b) {
            p.add(b, store, partition, offset);
        } else {
            p.seal((EpochSealed) r, partition, offset);
        }
    }

    private Outcome offer(SpecificRecord record, byte[] encoded, String run, int epoch, TopicPartition partition,
            long offset, long now) {
        if (!shapes.containsKey(run)) {
            store.runDir(run); // a malformed run id is refused before anything else (a known run's id is fine)
        }
        Optional<RunShape> shape = shape(run);
        if (shape.isPresent()) {
            String problem = problem(shape.get(), record);
            if (problem != null) {
                return Outcome.rejected(record, problem);
            }
        }
        if (!finishedAt.containsKey(run) && shape.isPresent()) {
            lastSeen.put(run, now);
        }
        EpochKey key = new EpochKey(run, epoch);
        PendingEpoch p = pending.get(key);
        if (p == null) {
            if (store.hasEpoch(run, epoch)) {
                duplicatesSkipped++;
                return Outcome.NOTHING;
            }
            p = new PendingEpoch(run, epoch, store.storedLayers(run, epoch), now);
            pending.put(key, p);
        }
        if (shape.isPresent()) {
            stage(p, record, encoded, shape.get(), partition, offset);
        } else {
            p.hold(record, partition, offset);
        }
        p.lastRecordAt = now;
        return completeIfDone(p).map(Outcome::assembled).orElse(Outcome.NOTHING);
    }

    /** Writes the epoch if its run is known and every record is there. */
    private Optional<EpochAssembled> completeIfDone(PendingEpoch p) {
        Optional<RunShape> shape = shape(p.runId);
        if (shape.isEmpty() || !p.complete(shape.get())) {
            return Optional.empty();
        }
        pending.remove(new EpochKey(p.runId, p.epoch));
        duplicatesSkipped += p.duplicates;
        Path dir = p.store(store, shape.get());
        return Optional.of(announce(p.sealed, dir, sum(p.sealed.getSnapshotsPerLayer())));
    }

    /** The run's shape from its RunStarted, read in this process or stored before; empty while unknown. */
    private Optional<RunShape> shape(String run) {
        RunShape shape = shapes.get(run);
        if (shape == null && store.hasRun(run)) {
            shape = store.readJson(run, "run.json").map(StoredRun::of).map(RunShape::of).orElse(null);
            if (shape != null) {
                shapes.put(run, shape);
            }
        }
        return Optional.ofNullable(shape);
    }

    /**
     * Gives up the epochs that can no longer complete, and marks runs silent for the abandon time as abandoned.
     *
     * @return the records of the epochs given up, each with the reason
     */
    public Outcome releaseStale() {
        long now = clock.getAsLong();
        List<Rejected> rejected = new ArrayList<>();
        for (Iterator<PendingEpoch> it = pending.values().iterator(); it.hasNext();) {
            PendingEpoch p = it.next();
            Long finished = finishedAt.get(p.runId);
            String reason = null;
            if (finished != null && now - p.lastRecordAt > finishedGrace.toMillis()) {
                reason = "incomplete epoch " + p.describe() + " given up: its run finished and no record came for "
                        + finishedGrace.toSeconds() + " s";
            } else if (now - lastActivity(p.runId, p.lastRecordAt) > abandonAfter.toMillis()) {
                reason = "incomplete epoch " + p.describe() + " given up: "
                        + (shape(p.runId).isEmpty() ? "the run never started (no RunStarted)" : "the run")
                        + " sent nothing for " + abandonAfter.toSeconds() + " s";
            }
            if (reason != null) {
                it.remove();
                epochsReleased++;
                List<SpecificRecord> records = p.giveUp();
                LOG.warnf("%s; its %d records not stored go to the dead-letter topic", reason, records.size());
                for (SpecificRecord r : records) {
                    rejected.add(Rejected.of(r, reason));
                }
            }
        }
        for (Iterator<Map.Entry<String, Long>> it = lastSeen.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Long> e = it.next();
            String run = e.getKey();
            if (now - lastActivity(run, e.getValue()) > abandonAfter.toMillis()) {
                it.remove();
                if (store.runStatus(run) == TraceStore.RunStatus.RUNNING) {
                    store.markAbandoned(run, e.getValue(), "no record for " + abandonAfter.toSeconds()
                            + " s and no RunFinished; epochs stored: " + store.assembledEpochs(run));
                    LOG.warnf("run %s marked abandoned: nothing for %d s and no RunFinished", run, abandonAfter.toSeconds());
                }
            }
        }
        return rejected.isEmpty() ? Outcome.NOTHING : new Outcome(List.of(), rejected);
    }

    private long lastActivity(String run, long since) {
        long last = Math.max(since, lastSeen.getOrDefault(run, since));
        for (PendingEpoch p : pending.values()) {
            if (p.runId.equals(run)) {
                last = Math.max(last, p.lastRecordAt);
            }
        }
        return last;
    }

    private static EpochAssembled announce(EpochSealed sealed, Path file, int rows) {
        return EpochAssembled.newBuilder().setRunId(sealed.getRunId()).setEpoch(sealed.getEpoch()).setRows(rows)
                .setPath(file.toString()).setAssembledAtMs(System.currentTimeMillis()).build();
    }

    private static int sum(List<Integer> counts) {
        return counts.stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * The offset up to which a partition may be committed: the first record still held by an incomplete
     * epoch, or {@code position} when none is.
     */
    public long safeOffset(TopicPartition partition, long position) {
        long safe = position;
        for (PendingEpoch p : pending.values()) {
            Long first = p.firstOffset(partition);
            if (first != null && first < safe) {
                safe = first;
            }
        }
        return safe;
    }

    /** Forgets everything pending; its records will be delivered again from the committed offsets. */
    public void reset() {
        pending.values().forEach(PendingEpoch::discard);
        pending.clear();
    }

    public int pendingEpochs() {
        return pending.size();
    }

    /** Age of the oldest pending epoch in milliseconds, 0 when none is pending. */
    public long oldestPendingMillis() {
        long now = clock.getAsLong();
        return pending.values().stream().mapToLong(p -> now - p.since).max().orElse(0);
    }

    public long duplicatesSkipped() {
        return duplicatesSkipped;
    }

    public long rowsWritten() {
        return rowsWritten;
    }

    /** Incomplete epochs given up so far. */
    public long epochsReleased() {
        return epochsReleased;
    }
}
