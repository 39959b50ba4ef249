package io.nnstain.trainer.probe;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.serde.NeuronRow;

/** Where a run's trace goes: Kafka in the service, memory in tests, a byte counter in the benchmark. */
public interface TraceSink extends AutoCloseable {

    void runStarted(RunStarted event);

    /** A NeuronSnapshot in primitive form; called from the probe's reducer thread only. */
    void neuron(NeuronRow snapshot);

    void batch(BatchSnapshot snapshot);

    void epochSealed(EpochSealed event);

    void runFinished(RunFinished event);

    /** Blocks until everything handed over so far is durable (for Kafka: acknowledged). */
    default void flush() {
    }

    @Override
    default void close() {
    }
}
