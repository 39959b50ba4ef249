package io.nnstain.trainer.probe;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.NeuronSnapshot;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what the probe emits, to compare with independent computations. */
public final class MemorySink implements TraceSink {
    public final List<RunStarted> started = new CopyOnWriteArrayList<>();
    public final List<NeuronSnapshot> neurons = new CopyOnWriteArrayList<>();
    public final List<BatchSnapshot> batches = new CopyOnWriteArrayList<>();
    public final List<EpochSealed> sealed = new CopyOnWriteArrayList<>();
    public final List<RunFinished> finished = new CopyOnWriteArrayList<>();

    @Override public void runStarted(RunStarted e) { started.add(e); }
    @Override public void neuron(io.nnstain.schemas.serde.NeuronRow s) { neurons.add(s.toSnapshot()); }
    @Override public void batch(BatchSnapshot b) { batches.add(b); }
    @Override public void epochSealed(EpochSealed e) { sealed.add(e); }
    @Override public void runFinished(RunFinished f) { finished.add(f); }

    public List<NeuronSnapshot> neuronsOf(int epoch, String layer) {
        List<NeuronSnapshot> out = new ArrayList<>();
        for (NeuronSnapshot n : neurons) {
            if (n.getEpoch() == epoch && n.getLayer().equals(layer)) {
                out.add(n);
            }
        }
        out.sort(java.util.Comparator.comparingInt(NeuronSnapshot::getNeuron));
        return out;
    }
}
