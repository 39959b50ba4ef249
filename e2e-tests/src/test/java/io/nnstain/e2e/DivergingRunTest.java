package io.nnstain.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nnstain.cli.Nnstain;
import io.nnstain.cli.StackState;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.topics.Topics;
import io.nnstain.store.Duck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A run that goes non-finite is DIVERGED everywhere a person looks — trainer, collector, analyzer, CLI, web
 * page — with its trace kept up to there; and the runs after it are traced and analysed as usual.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DivergingRunTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private Pipeline pipeline;

    @BeforeAll
    void start() {
        pipeline = new Pipeline().start().startAnalyzer().startViz();
        // the CLI follows the stack recorded in its home: this pipeline's services
        new StackState(pipeline.bootstrap, Pipeline.url(pipeline.trainerPort), Pipeline.url(pipeline.collectorPort),
                Pipeline.url(pipeline.analyzerPort), Pipeline.url(pipeline.vizPort), pipeline.dataDir.toString(),
                List.of(pipeline.trainer.pid(), pipeline.collector.pid(), pipeline.analyzer.pid(), pipeline.viz.pid()),
                false).write(pipeline.home);
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldReportADivergedRunEverywhereAndAnalyseTheNextRunAsUsual() throws Exception {
        // Given a run whose learning rate sends it to NaN, trained through the CLI
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = cli(out, err, "--home", pipeline.home.toString(), "train", "--dataset", "digits", "--hidden", "64,64",
                "--epochs", "5", "--lr", "10", "--optimizer", "sgd");
        // Then the CLI exits 1 saying what diverged and what to try
        String said = err.toString();
        assertEquals(1, code, said);
        Matcher m = Pattern.compile("run (\\S+) DIVERGED: diverged at E_(\\d+): (.+?) contain").matcher(said);
        assertTrue(m.find(), said);
        String run = m.group(1);
        int epoch = Integer.parseInt(m.group(2));
        assertTrue(said.contains("Try a smaller learning rate (--lr, now 10.0) or --optimizer adam"), said);
        assertTrue(epoch >= 1 && epoch <= 5, said);

        // and the trainer names the epoch and the first layer affected
        JsonNode trained = pipeline.client().run(run);
        assertEquals("DIVERGED", trained.path("state").asText());
        assertEquals(epoch, trained.path("divergence").path("epoch").asInt());
        assertEquals("hidden_1", trained.path("divergence").path("layer").asText(), trained.toString());

        // and the collector shows it diverged, its trace holding every epoch up to the divergence, NaN kept as NaN
        JsonNode manifest = pipeline.client().manifest(run);
        assertEquals("DIVERGED", manifest.path("status").asText());
        assertEquals(epoch, manifest.path("divergence").path("epoch").asInt());
        Set<Integer> assembled = new HashSet<>();
        manifest.path("assembled_epochs").forEach(e -> assembled.add(e.asInt()));
        for (int e = 0; e <= epoch; e++) {
            assertTrue(assembled.contains(e), "E_" + e + " stored: " + assembled);
        }
        try (Connection c = Duck.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FILTER (WHERE bias IS NULL), count(*) FILTER (WHERE isnan(bias) OR isinf(bias))"
                        + " FROM read_parquet(" + Duck.literal(pipeline.runDir(run).resolve("epoch=" + epoch)
                                .resolve("neurons-hidden_1.parquet").toString()) + ")")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "no NULL stands for a number");
            assertTrue(rs.getInt(2) > 0, "the non-finite biases are stored as they were");
        }

        // and the analyzer marks the diverged epoch not analysable, and says the run diverged
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(300)).until(() -> get(
                Pipeline.url(pipeline.analyzerPort) + "/runs/" + run + "/structures/E_" + epoch).statusCode() == 422);
        HttpResponse<String> structures = get(Pipeline.url(pipeline.analyzerPort) + "/runs/" + run + "/structures/E_" + epoch);
        assertTrue(structures.body().contains("not analysable"), structures.body());
        HttpResponse<String> emergence = get(Pipeline.url(pipeline.analyzerPort) + "/runs/" + run + "/emergence");
        assertEquals(200, emergence.statusCode(), emergence.body());
        assertTrue(emergence.body().contains("\"run_status\":\"DIVERGED\""), emergence.body());

        // and the web page says so
        ChromeDriver browser = Browser.open();
        try {
            browser.get(Pipeline.url(pipeline.vizPort) + "/run.html?run=" + run);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> browser.findElement(By.id("run-status")).getText().startsWith("DIVERGED at E_" + epoch));
            browser.get(Pipeline.url(pipeline.vizPort) + "/index.html");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> browser.findElement(By.id("runs")).getText().contains("DIVERGED"));
        } finally {
            browser.quit();
        }

        // When a normal run follows
        ByteArrayOutputStream out2 = new ByteArrayOutputStream();
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertEquals(0, cli(out2, err2, "--home", pipeline.home.toString(), "train", "--dataset", "moons", "--epochs", "6"),
                err2.toString());
        String[] lines = out2.toString().trim().split("\n");
        String next = lines[lines.length - 1].trim();
        assertFalse(next.equals(run));
        // Then its structures arrive on the structures topic, every scanned epoch of it
        AvroSerde serde = new AvroSerde();
        Set<Integer> published = new HashSet<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            published.clear();
            pipeline.readAll(Topics.STRUCTURES).stream().filter(r -> r.key().equals(next))
                    .forEach(r -> published.add(serde.decode(r.value(), StructureSnapshot.class).getEpoch()));
            return published.equals(Set.of(0, 1, 2, 3, 4, 5, 6));
        });
        assertEquals("COMPLETED", pipeline.client().manifest(next).path("status").asText());
    }

    private static int cli(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            return Nnstain.execute(args);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
