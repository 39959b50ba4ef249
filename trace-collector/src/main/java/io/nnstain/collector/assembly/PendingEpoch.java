package io.nnstain.collector.assembly;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * One scanned epoch of one run while its records arrive. Snapshots are keyed by their place in the network,
 * so a redelivered record replaces its twin instead of adding a row.
 */
final class PendingEpoch {

    final String runId;
    final int epoch;
    private final Map<Long, NeuronSnapshot> neurons = new HashMap<>();
    private final Map<Long, BatchSnapshot> batches = new HashMap<>();
    private final Map<Integer, Integer> perLayer = new HashMap<>();
    private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    EpochSealed sealed;
    int duplicates;

    PendingEpoch(String runId, int epoch) {
        this.runId = runId;
        this.epoch = epoch;
    }

    void add(NeuronSnapshot s) {
        if (neurons.put(((long) s.getLayerIndex() << 32) | s.getNeuron(), s) == null) {
            perLayer.merge(s.getLayerIndex(), 1, Integer::sum);
        } else {
            duplicates++;
        }
    }

    void add(BatchSnapshot b) {
        if (batches.put(((long) b.getBatch() << 32) | b.getLayerIndex(), b) != null) {
            duplicates++;
        }
    }

    void seal(EpochSealed s) {
        if (sealed != null) {
            duplicates++;
        }
        sealed = s;
    }

    /** Remembers the earliest offset this epoch holds from a partition: commits may not pass it. */
    void held(TopicPartition partition, long offset) {
        firstOffsets.merge(partition, offset, Math::min);
    }

    Map<TopicPartition, Long> firstOffsets() {
        return firstOffsets;
    }

    /** Complete when sealed and every layer has sent as many snapshots as the seal counts. */
    boolean complete() {
        if (sealed == null || batches.size() < sealed.getBatchesSent()) {
            return false;
        }
        List<Integer> expected = sealed.getSnapshotsPerLayer();
        for (int l = 0; l < expected.size(); l++) {
            if (perLayer.getOrDefault(l, 0) < expected.get(l)) {
                return false;
            }
        }
        return true;
    }

    List<NeuronSnapshot> neurons() {
        return new ArrayList<>(neurons.values());
    }

    List<BatchSnapshot> batches() {
        return new ArrayList<>(batches.values());
    }
}
