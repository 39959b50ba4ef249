package io.nnstain.schemas.messaging;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.schemas.topics.TopicNamespace;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** An Error on the consuming thread is not survived: the loop says so (readiness goes down) and asks to exit. */
class ConsumerLoopFatalTest {

    @Test
    void shouldReportFailedAndCallTheFatalHandlerOnAnError() throws Exception {
        OutOfMemoryError error = new OutOfMemoryError("Java heap space (thrown by the test)");
        CompletableFuture<Error> fatal = new CompletableFuture<>();
        ConsumerLoop loop = new ConsumerLoop("fatal-test", "127.0.0.1:1", "g", new TopicNamespace("t."), 1,
                Logger.getLogger(ConsumerLoopFatalTest.class)) {
            @Override
            protected void beforeConsuming() {
                throw error;
            }

            @Override
            protected void consume(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer) {
                throw new AssertionError("never reached");
            }

            @Override
            protected void onFatal(Error e) {
                fatal.complete(e); // instead of exiting the test JVM
            }
        };
        loop.start();
        assertSame(error, fatal.get(10, TimeUnit.SECONDS));
        assertTrue(loop.status().startsWith("failed: java.lang.OutOfMemoryError"), loop.status());
        loop.stop();
    }
}
