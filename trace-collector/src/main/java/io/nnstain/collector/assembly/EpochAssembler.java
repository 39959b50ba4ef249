package io.nnstain.collector.assembly;

import io.nnstain.store.TraceStore;
import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochAssembled;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Assembles the records of each scanned epoch and writes the epoch once EpochSealed's counts are met.
 *
 * <p>Idempotent: snapshots of an epoch already stored are skipped (a replay or redelivery), and its seal only
 * announces it again. With {@link #safeOffset} the consumer commits no offset past a record that is not yet
 * durable, so a crash loses nothing: what was pending is read again.
 */
public final class EpochAssembler {

    private static final Logger LOG = Logger.getLogger(EpochAssembler.class);

    private final TraceStore store;
    private final Map<String, PendingEpoch> pending = new HashMap<>();
    private long duplicatesSkipped;
    private long rowsWritten;

    public EpochAssembler(TraceStore store) {
        this.store = store;
    }

    /**
     * Takes one record.
     *
     * @return the epochs this record completed (written and durable), to be announced
     */
    public List<EpochAssembled> accept(SpecificRecord record, TopicPartition partition, long offset) {
        if (record instanceof RunStarted started) {
            store.writeRunStarted(started);
            LOG.infof("run %s started: %d layers, scanned epochs %s", started.getRunId(),
                    started.getTopology().getLayers().size(), started.getScannedEpochs());
            return List.of();
        }
        if (record instanceof RunFinished finished) {
            store.writeRunFinished(finished);
            LOG.infof("run %s finished: %s", finished.getRunId(), finished.getStatus());
            return List.of();
        }
        if (record instanceof NeuronSnapshot s) {
            return offer(s.getRunId(), s.getEpoch(), partition, offset, p -> p.add(s));
        }
        if (record instanceof BatchSnapshot b) {
            return offer(b.getRunId(), b.getEpoch(), partition, offset, p -> p.add(b));
        }
        if (record instanceof EpochSealed sealed) {
            if (store.hasEpoch(sealed.getRunId(), sealed.getEpoch())) {
                duplicatesSkipped++;
                return List.of(announce(sealed, store.neuronsFile(sealed.getRunId(), sealed.getEpoch()), 
                        sum(sealed.getSnapshotsPerLayer())));
            }
            return offer(sealed.getRunId(), sealed.getEpoch(), partition, offset, p -> p.seal(sealed));
        }
        throw new IllegalArgumentException(record.getClass().getSimpleName() + " is not a trace record");
    }

    private List<EpochAssembled> offer(String run, int epoch, TopicPartition partition, long offset,
            java.util.function.Consumer<PendingEpoch> add) {
        String key = run + "\u0000" + epoch;
        PendingEpoch p = pending.get(key);
        if (p == null) {
            if (store.hasEpoch(run, epoch)) {
                duplicatesSkipped++;
                return List.of();
            }
            p = new PendingEpoch(run, epoch);
            pending.put(key, p);
        }
        add.accept(p);
        p.held(partition, offset);
        if (!p.complete()) {
            return List.of();
        }
        pending.remove(key);
        duplicatesSkipped += p.duplicates;
        List<NeuronSnapshot> neurons = p.neurons();
        Path file = store.writeEpoch(p.sealed, neurons, p.batches());
        rowsWritten += neurons.size();
        return List.of(announce(p.sealed, file, neurons.size()));
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
            Long first = p.firstOffsets().get(partition);
            if (first != null && first < safe) {
                safe = first;
            }
        }
        return safe;
    }

    /** Forgets everything pending; its records will be delivered again from the committed offsets. */
    public void reset() {
        pending.clear();
    }

    public int pendingEpochs() {
        return pending.size();
    }

    public long duplicatesSkipped() {
        return duplicatesSkipped;
    }

    public long rowsWritten() {
        return rowsWritten;
    }
}
