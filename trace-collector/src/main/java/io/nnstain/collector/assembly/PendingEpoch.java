package io.nnstain.collector.assembly;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.store.StagedTable;
import io.nnstain.store.TraceStore;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One scanned epoch of one run while its records arrive. Once the run's shape is known, each snapshot goes
 * straight into its layer's staged table (DuckDB, not the heap) and a layer is stored the moment its last neuron
 * is in; only records that came before their RunStarted wait in the heap, to be checked when it comes. A
 * redelivered snapshot (same layer and neuron, or a layer already stored) is counted and skipped.
 */
final class PendingEpoch {

    final String runId;
    final int epoch;
    /** records held in the heap until the run's shape is known */
    private final List<SpecificRecord> early = new ArrayList<>();
    private final Map<Integer, Layer> arriving = new HashMap<>();
    private final Set<String> stored;
    private StagedTable batches;
    private final Set<Long> batchKeys = new HashSet<>();
    /** earliest offsets of what is held for the epoch as a whole: early records, batches, the seal */
    private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    EpochSealed sealed;
    int duplicates;
    /** when this epoch was first and last offered a record (epoch milliseconds) */
    final long since;
    long lastRecordAt;

    /** One layer's snapshots while they arrive. */
    private static final class Layer {
        final StagedTable rows;
        final BitSet seen = new BitSet();
        final Map<TopicPartition, Long> firstOffsets = new HashMap<>();

        Layer(StagedTable rows) {
            this.rows = rows;
        }
    }

    /** @param stored the layers of this epoch already stored (before a restart) */
    PendingEpoch(String runId, int epoch, Set<String> stored, long now) {
        this.runId = runId;
        this.epoch = epoch;
        this.stored = new HashSet<>(stored);
        this.since = now;
        this.lastRecordAt = now;
    }

    /** Holds a record whose run's shape is not known yet. */
    void hold(SpecificRecord record, TopicPartition partition, long offset) {
        early.add(record);
        firstOffsets.merge(partition, offset, Math::min);
    }

    /**
     * Stages a snapshot that fits the run, and stores its layer when it was the layer's last.
     *
     * @param encoded the snapshot as it was read from Kafka, or null to encode it again
     * @return the rows stored (the layer's width), 0 when the layer is still arriving or the record was a twin
     */
    int add(NeuronSnapshot s, byte[] encoded, RunShape shape, TraceStore store, TopicPartition partition, long offset) {
        int l = s.getLayerIndex();
        if (stored.contains(s.getLayer())) {
            duplicates++;
            return 0;
        }
        Layer layer = arriving.computeIfAbsent(l, k -> new Layer(store.stageNeurons(runId, epoch, s.getLayer(),
                k == 0 ? 0 : shape.widths()[k - 1], shape.classes())));
        if (layer.seen.get(s.getNeuron())) {
            duplicates++;
            return 0;
        }
        layer.seen.set(s.getNeuron());
        layer.rows.add(s, encoded);
        if (partition != null) {
            layer.firstOffsets.putIfAbsent(partition, offset); // offsets only grow within a partition
        }
        if (layer.rows.rows() < shape.widths()[l]) {
            return 0;
        }
        try {
            store.storeLayer(runId, epoch, s.getLayer(), layer.rows);
        } catch (RuntimeException e) {
            // the layer's rows are gone with its staged table; it stays here, holding its offsets, so that no
            // commit passes them before the loop reads them again from the committed offsets
            throw new io.nnstain.schemas.messaging.ConsumerLoop.RestartFromCommitted("could not store layer "
                    + s.getLayer() + " of E_" + epoch + " of run " + runId + "; reading its records again", e);
        }
        arriving.remove(l);
        stored.add(s.getLayer());
        return shape.widths()[l];
    }

    void add(BatchSnapshot b, TraceStore store, TopicPartition partition, long offset) {
        if (!batchKeys.add(((long) b.getBatch() << 32) | b.getLayerIndex())) {
            duplicates++;
            return;
        }
        if (batches == null) {
            batches = store.stageBatches();
        }
        batches.add(b);
        if (partition != null) {
            firstOffsets.merge(partition, offset, Math::min);
        }
    }

    void seal(EpochSealed s, TopicPartition partition, long offset) {
        if (sealed != null) {
            duplicates++;
        }
        sealed = s;
        if (partition != null) {
            firstOffsets.merge(partition, offset, Math::min);
        }
    }

    /** The records held before the run's shape was known, handed over (and forgotten here) to be checked. */
    List<SpecificRecord> takeEarly() {
        List<SpecificRecord> out = new ArrayList<>(early);
        early.clear();
        return out;
    }

    /** The earliest offset held from a partition (commits may not pass it), or null when none is. */
    Long firstOffset(TopicPartition partition) {
        Long first = firstOffsets.get(partition);
        for (Layer layer : arriving.values()) {
            Long l = layer.firstOffsets.get(partition);
            if (l != null && (first == null || l < first)) {
                first = l;
            }
        }
        return first;
    }

    /** Every record not yet stored, to be dead-lettered when the epoch is given up; the staged rows are dropped. */
    List<SpecificRecord> giveUp() {
        List<SpecificRecord> out = new ArrayList<>(early);
        for (Layer layer : arriving.values()) {
            out.addAll(layer.rows.neurons(epoch));
        }
        if (batches != null) {
            out.addAll(batches.batches(epoch));
        }
        if (sealed != null) {
            out.add(sealed);
        }
        discard();
        return out;
    }

    /** Drops what is staged (its records will be read again from the committed offsets, or were dead-lettered). */
    void discard() {
        arriving.values().forEach(layer -> layer.rows.close());
        arriving.clear();
        if (batches != null) {
            batches.close();
            batches = null;
        }
    }

    /** What is there and what is missing, for a person reading why the epoch was given up. */
    String describe() {
        long staged = early.size() + arriving.values().stream().mapToLong(l -> l.rows.rows()).sum();
        int expected = sealed == null ? -1 : sealed.getSnapshotsPerLayer().stream().mapToInt(Integer::intValue).sum();
        return "E_" + epoch + " of run " + runId + " (layers stored: " + (stored.isEmpty() ? "none" : stored) + "; "
                + staged + " snapshots of layers still arriving" + (sealed == null ? "; never sealed" : "; " + expected
                        + " sealed") + ")";
    }

    /** Complete when sealed, every layer stored and every batch the seal counts staged. */
    boolean complete(RunShape shape) {
        return sealed != null && early.isEmpty() && stored.size() == shape.layers().size()
                && batchKeys.size() >= sealed.getBatchesSent();
    }

    /** Stores the batches, the seal and the marker; the epoch is then complete in the store. */
    java.nio.file.Path store(TraceStore store, RunShape shape) {
        java.nio.file.Path dir = store.completeEpoch(sealed, batches, java.util.Arrays.stream(shape.widths()).sum());
        batches = null;
        return dir;
    }
}
