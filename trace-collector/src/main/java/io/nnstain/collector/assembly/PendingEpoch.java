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
    /** when this epoch was first and last offered a record (epoch milliseconds) */
    final long since;
    long lastRecordAt;

    PendingEpoch(String runId, int epoch, long now) {
        this.runId = runId;
        this.epoch = epoch;
        this.since = now;
        this.lastRecordAt = now;
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

    /**
     * Drops every held record that does not fit the run, now that its shape is known.
     *
     * @return the dropped records with what is wrong with each
     */
    List<EpochAssembler.Rejected> dropMisfits(RunShape shape) {
        List<EpochAssembler.Rejected> out = new ArrayList<>();
        neurons.values().removeIf(n -> {
            String problem = shape.problem(n);
            if (problem != null) {
                out.add(EpochAssembler.Rejected.of(n, problem));
                perLayer.merge(n.getLayerIndex(), -1, Integer::sum);
            }
            return problem != null;
        });
        batches.values().removeIf(b -> {
            String problem = shape.problem(b);
            if (problem != null) {
                out.add(EpochAssembler.Rejected.of(b, problem));
            }
            return problem != null;
        });
        if (sealed != null && shape.problem(sealed) != null) {
            out.add(EpochAssembler.Rejected.of(sealed, shape.problem(sealed)));
            sealed = null;
        }
        return out;
    }

    /** Every record held, to be dead-lettered when the epoch is given up. */
    List<org.apache.avro.specific.SpecificRecord> records() {
        List<org.apache.avro.specific.SpecificRecord> out = new ArrayList<>(neurons.values());
        out.addAll(batches.values());
        if (sealed != null) {
            out.add(sealed);
        }
        return out;
    }

    /** What is there and what is missing, for a person reading why the epoch was given up. */
    String describe() {
        int expected = sealed == null ? -1 : sealed.getSnapshotsPerLayer().stream().mapToInt(Integer::intValue).sum();
        return "E_" + epoch + " of run " + runId + " (" + neurons.size() + " snapshots"
                + (sealed == null ? ", never sealed" : " of " + expected + " sealed") + ")";
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
