package io.nnstain.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.StructureLayer;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The analyzer as a process beside the trainer and collector: structures of every scanned epoch appear on
 * the structures topic and beside the trace; the trace alone rebuilds the trainer's network.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StructuresEndToEndTest {

    private final AvroSerde serde = new AvroSerde();
    private final HttpClient http = HttpClient.newHttpClient();
    private Pipeline pipeline;
    private String run;

    @BeforeAll
    void start() {
        pipeline = new Pipeline().start().startAnalyzer();
        // Given a digits run whose probe set is the whole validation set
        ObjectNode c = PipelineEndToEndTest.config("digits", "32,16", 8, "", 21);
        c.put("probe_set_size", 10_000);
        run = pipeline.trainAndAwaitTrace(c);
    }

    @AfterAll
    void stop() {
        pipeline.close();
    }

    @Test
    void shouldPublishAndStoreTheStructuresOfEveryScannedEpoch() {
        // When the analyzer has seen every EpochAssembled of the run
        Set<Integer> published = new HashSet<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            published.clear();
            pipeline.readAll(Topics.STRUCTURES).stream().filter(r -> r.key().equals(run))
                    .map(r -> serde.decode(r.value(), StructureSnapshot.class)).forEach(s -> published.add(s.getEpoch()));
            return published.size() == 9;
        });
        // Then E_0..E_8 each have a snapshot, stored beside the trace too
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8), published);
        for (int e = 0; e <= 8; e++) {
            assertTrue(Files.exists(pipeline.runDir(run).resolve("structures/z-plus_c0.800_m0.100/epoch=" + e + ".json")));
        }
        StructureSnapshot last = pipeline.readAll(Topics.STRUCTURES).stream().filter(r -> r.key().equals(run))
                .map(r -> serde.decode(r.value(), StructureSnapshot.class)).filter(s -> s.getEpoch() == 8).findFirst()
                .orElseThrow();
        assertEquals(10, last.getClasses().size());
        for (ClassStructure cs : last.getClasses()) {
            // relevance is conserved: every layer's shares sum to 1
            for (StructureLayer layer : cs.getLayers()) {
                double sum = layer.getRelevance().stream().mapToDouble(Float::doubleValue).sum();
                assertEquals(1.0, sum, 1e-3, "class " + cs.getClassIndex() + " layer " + layer.getLayer());
            }
            // at most 10% of each hidden layer (3 of 32, 1 of 16)
            assertTrue(cs.getLayers().get(1).getNeurons().size() <= 3);
            assertTrue(cs.getLayers().get(2).getNeurons().size() <= 1);
            assertEquals(List.of(cs.getClassIndex()), cs.getLayers().get(3).getNeurons());
            assertTrue(cs.getAblation() != null && cs.getJaccardPrevious() != null);
        }
        assertTrue(last.getLossContributions() != null, "the trace holds mean gradients, so contributions are there");
        assertEquals(List.of(32, 16, 10), last.getLossContributions().stream().map(List::size).toList());
    }

    @Test
    void shouldRebuildFromTheTraceANetworkThatPredictsExactlyAsTheTrainerDid() throws Exception {
        JsonNode p = get("/runs/" + run + "/predictions?epoch=E_8", 200);
        int validation = Pipeline.JSON.readTree(Files.readString(pipeline.runDir(run).resolve("run.json")))
                .path("validation_samples").asInt();
        assertEquals(validation, p.path("probe_samples").asInt(), "the probe set is the whole validation set");
        assertEquals(p.path("trainer_predictions"), p.path("predictions"));
        assertEquals(validation, p.path("agree_with_trainer").asInt());
    }

    @Test
    void shouldReanalyseAFinishedRunWithAnotherCoverageWithoutRetraining() throws Exception {
        JsonNode defaults = get("/runs/" + run + "/summary", 200);
        JsonNode narrow = post("/runs/" + run + "/analyses?coverage=0.3&max-fraction=0.5", 200);
        assertEquals(0.3, narrow.path("coverage").asDouble());
        assertEquals(defaults.path("classes").size(), narrow.path("classes").size());
        assertTrue(Files.exists(pipeline.runDir(run).resolve("structures/z-plus_c0.300_m0.500/epoch=8.json")));
        JsonNode one = get("/runs/" + run + "/structures/E_8/classes/3?coverage=0.3&max-fraction=0.5", 200);
        assertEquals(3, one.path("class_index").asInt());
        assertEquals(0.3, get("/runs/" + run + "/structures/E_8?coverage=0.3&max-fraction=0.5", 200)
                .path("coverage").asDouble());
        JsonNode emergence = get("/runs/" + run + "/emergence", 200);
        assertTrue(emergence.path("complete").asBoolean());
        assertEquals(9, emergence.path("classes").get(0).path("jaccard_final").size());
    }

    @Test
    void shouldAnswerBadParametersAndUnknownThingsWithClearErrors() throws Exception {
        assertTrue(error(post("/runs/" + run + "/analyses?coverage=0", 400)).contains("coverage (--coverage)"));
        assertTrue(error(get("/runs/" + run + "/summary?max-fraction=2", 400)).contains("max_fraction (--max-fraction)"));
        assertTrue(error(get("/runs/" + run + "/summary?rule=lrp", 400)).contains("accepted: z-plus, z"));
        assertTrue(error(get("/runs/" + run + "/summary?coverage=lots", 400)).contains("is not a number"));
        assertTrue(error(get("/runs/" + run + "/structures/E_99", 404)).contains("not scanned"));
        assertTrue(error(get("/runs/" + run + "/structures/yesterday", 400)).contains("is not an epoch"));
        assertTrue(error(get("/runs/" + run + "/structures/E_8/classes/eleven", 404)).contains("classes: 0 to 9"));
        assertTrue(error(get("/runs/nope/summary", 404)).contains("no run 'nope'"));
        // nothing stored was lost
        assertEquals(200, status("/runs/" + run + "/structures/E_8"));
    }

    private static String error(JsonNode body) {
        return body.path("error").asText();
    }

    private String url() {
        return Pipeline.url(pipeline.analyzerPort);
    }

    private int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private JsonNode get(String path, int expected) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).GET().build(), expected);
    }

    private JsonNode post(String path, int expected) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                expected);
    }

    private JsonNode send(HttpRequest request, int expected) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, r.statusCode(), request.uri() + " answered " + r.body());
        return Pipeline.JSON.readTree(r.body());
    }
}
