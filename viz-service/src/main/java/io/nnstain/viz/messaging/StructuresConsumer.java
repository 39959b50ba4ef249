package io.nnstain.viz.messaging;

import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.messaging.ConsumerLoop;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import io.nnstain.viz.VizConfig;
import io.nnstain.viz.metrics.VizMetrics;
import io.nnstain.viz.report.Live;
import io.nnstain.viz.report.Results;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.jboss.logging.Logger;

/**
 * Follows the structures topic: every analysed epoch is pushed to the open run pages; a run's final epoch
 * has its results/ folder written. Pictures are drawn from the trace store, so this consumer only learns
 * when; it starts from the topic's end (a restarted service does not redraw old runs; results/ are written
 * on request too).
 */
// a singleton, not proxied: the loop's base class has no constructor a client proxy could call
@Singleton
public class StructuresConsumer extends ConsumerLoop {

    private static final Logger LOG = Logger.getLogger(StructuresConsumer.class);

    private final AvroSerde serde = new AvroSerde();
    private final Live live;
    private final Results results;

    public StructuresConsumer(VizConfig config, Live live, Results results, VizMetrics metrics) {
        super("nnstain-viz", config.kafkaBootstrapServers(), config.consumerGroup(),
                new TopicNamespace(config.topicPrefix()), config.neuronPartitions(), LOG);
        metrics.bind(this);
        this.live = live;
        this.results = results;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    @Override
    protected void beforeConsuming() {
        status("warming up");
        long start = System.nanoTime();
        long deadline = start + io.nnstain.schemas.messaging.ConsumerLoop.WARM_UP_BUDGET.toNanos();
        io.nnstain.viz.render.Warmup.run(15, deadline);
        long drawn = System.nanoTime();
        // then, while the budget lasts: DuckDB's start, for the heatmaps, and the API a run page asks
        if (System.nanoTime() < deadline) {
            io.nnstain.store.StoreWarmup.run(5, deadline);
        }
        long stored = System.nanoTime();
        if (System.nanoTime() < deadline) {
            io.nnstain.viz.rest.HttpWarmup.run(results.data(), 3, deadline);
        }
        long end = System.nanoTime();
        LOG.infof("warmed up in %.0f ms (drawing %.0f ms, DuckDB %.0f ms, HTTP %.0f ms)", (end - start) / 1e6,
                (drawn - start) / 1e6, (stored - drawn) / 1e6, (end - stored) / 1e6);
    }

    @Override
    protected void configure(Properties p) {
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    }

    private void handle(ConsumerRecord<String, byte[]> r, KafkaProducer<String, byte[]> producer) {
        StructureSnapshot s = serde.decode(r.value(), StructureSnapshot.class);
        // structures come from the trace: of a run the store does not hold, nothing can be drawn
        if (!results.data().store().hasRun(s.getRunId())) {
            deadLetter(r, "StructureSnapshot E_" + s.getEpoch() + " of run " + s.getRunId()
                    + ", which the trace store does not hold", producer);
            return;
        }
        live.analysed(s.getRunId(), s.getEpoch());
        results.epochAnalysed(s.getRunId(), s.getEpoch());
    }

    @Override
    protected void consume(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> producer) {
        c.subscribe(List.of(namespace.name(Topics.STRUCTURES)));
        status("consuming");
        while (running()) {
            ConsumerRecords<String, byte[]> records = poll(c, Duration.ofMillis(100));
            for (ConsumerRecord<String, byte[]> r : records) {
                process(r, producer, this::handle);
            }
            if (!records.isEmpty()) {
                awaitSends(producer); // dead letters
                c.commitSync();
            }
        }
    }
}
