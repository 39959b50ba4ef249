package io.nnstain.trainer.publish;

import io.nnstain.schemas.avro.BatchSnapshot;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStarted;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.serde.NeuronRow;
import io.nnstain.schemas.serde.NeuronRowEncoder;
import io.nnstain.schemas.signature.NetworkSignature;
import io.nnstain.schemas.topics.Topic;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import io.nnstain.trainer.probe.TraceSink;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes a run's trace to Kafka: snapshots on the neurons topic with partition = layer index mod partition
 * count, everything else keyed by run id. Sends are asynchronous; the first failure is raised at the next
 * send or flush so that a run never reports success with records lost.
 */
public final class KafkaTraceSink implements TraceSink {

    private final Producer<String, byte[]> producer;
    private final TopicNamespace namespace;
    private final int neuronPartitions;
    private final AvroSerde serde = new AvroSerde();
    private final NeuronRowEncoder neuronEncoder = new NeuronRowEncoder();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    private final java.util.function.ObjIntConsumer<String> published;

    public KafkaTraceSink(Producer<String, byte[]> producer, TopicNamespace namespace, int neuronPartitions) {
        this(producer, namespace, neuronPartitions, (topic, bytes) -> { });
    }

    /** @param published told of every record sent: its topic and encoded size */
    public KafkaTraceSink(Producer<String, byte[]> producer, TopicNamespace namespace, int neuronPartitions,
            java.util.function.ObjIntConsumer<String> published) {
        this.published = published;
        this.producer = producer;
        this.namespace = namespace;
        this.neuronPartitions = neuronPartitions;
    }

    @Override
    public void runStarted(RunStarted event) {
        send(Topics.RUNS, null, event.getRunId(), event);
    }

    @Override
    public void neuron(NeuronRow s) {
        raiseFailure();
        String signature = new NetworkSignature(s.epoch(), s.layer(), s.neuron()).toString();
        send(namespace.name(Topics.NEURONS), s.layerIndex() % neuronPartitions, signature, neuronEncoder.encode(s));
    }

    @Override
    public void batch(BatchSnapshot b) {
        send(Topics.BATCHES, null, b.getRunId(), b);
    }

    @Override
    public void epochSealed(EpochSealed e) {
        send(Topics.EPOCHS, null, e.getRunId(), e);
    }

    @Override
    public void runFinished(RunFinished f) {
        send(Topics.RUNS, null, f.getRunId(), f);
    }

    private void send(Topic topic, Integer partition, String key, SpecificRecord value) {
        raiseFailure();
        if (!topic.carries(value.getClass())) {
            throw new IllegalArgumentException(value.getClass().getSimpleName() + " does not belong on " + namespace.name(topic));
        }
        send(namespace.name(topic), partition, key, serde.encode(value));
    }

    private void send(String topic, Integer partition, String key, byte[] encoded) {
        producer.send(new ProducerRecord<>(topic, partition, key, encoded), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
        records.incrementAndGet();
        bytes.addAndGet(encoded.length);
        published.accept(topic, encoded.length);
    }

    @Override
    public void flush() {
        producer.flush();
        raiseFailure();
    }

    private void raiseFailure() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("publishing the trace failed: " + e, e);
        }
    }

    public long recordsSent() {
        return records.get();
    }

    public long bytesSent() {
        return bytes.get();
    }
}
