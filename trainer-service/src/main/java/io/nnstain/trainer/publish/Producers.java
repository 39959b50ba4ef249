package io.nnstain.trainer.publish;

import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The trace producer's settings: nothing lost, nothing doubled, compressed. */
public final class Producers {

    private Producers() {
    }

    public static Producer<String, byte[]> create(String bootstrapServers, String clientId) {
        return create(bootstrapServers, clientId, java.time.Duration.ofSeconds(120));
    }

    /** @param deliveryTimeout how long a record may wait for its acknowledgement before its send fails */
    public static Producer<String, byte[]> create(String bootstrapServers, String clientId,
            java.time.Duration deliveryTimeout) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // snapshots come in bursts at epoch end: wait briefly to fill batches
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // RunStarted carries the probe set
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, io.nnstain.schemas.topics.Topics.MAX_RECORD_BYTES);
        int delivery = (int) deliveryTimeout.toMillis();
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms (30 s by default)
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(30_000, Math.max(1_000, delivery - 10)));
        // a send blocked on a full buffer or on metadata gives up within the same time
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(60_000, delivery));
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
