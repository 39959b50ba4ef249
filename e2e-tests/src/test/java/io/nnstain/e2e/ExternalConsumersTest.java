package io.nnstain.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an outside user runs against a live run, with Debian's own packages: the Python consumer
 * (python3-confluent-kafka, python3-avro), the kcat example, and the notebook executed by jupyter nbconvert.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalConsumersTest {

    static final Path ROOT = MetricsAndDashboardsTest.ROOT;
    static final String PYTHON = System.getProperty("nnstain.python", "/usr/bin/python3");
    // input 64, hidden 32 and 16, output 10; E_0, E_5, …, E_30
    static final int[] WIDTHS = {64, 32, 16, 10};
    static final int EPOCHS = 7;

    private Pipeline pipeline;
    private String run;

    @BeforeAll
    void start() {
        require(PYTHON, "python3 with python3-confluent-kafka, python3-avro, python3-pandas, python3-matplotlib,"
                + " python3-ipykernel");
        require("/usr/bin/kcat", "kcat");
        require("/usr/bin/jupyter-nbconvert", "jupyter-nbconvert");
        pipeline = new Pipeline().start().startAnalyzer();
        run = pipeline.trainAndAwaitTrace(PipelineEndToEndTest.config("digits", "32,16", 30, "5", 21));
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldRebuildTheHierarchyInPythonAsItStreamsIn() throws Exception {
        Result r = exec(Map.of(), PYTHON, ROOT.resolve("examples/python/trace_consumer.py").toString(), "--bootstrap",
                pipeline.bootstrap, "--prefix", pipeline.prefix, "--run", run, "--timeout", "120");
        assertEquals(0, r.exit, r.output);
        int total = EPOCHS * (WIDTHS[0] + WIDTHS[1] + WIDTHS[2] + WIDTHS[3]);
        assertTrue(r.output.contains(EPOCHS + " scanned epochs, " + total + " neuron snapshots"), r.output);
        for (int e = 0; e <= 30; e += 5) {
            assertTrue(r.output.contains("  E_" + e + ": L_input 64, L_hidden_1 32, L_hidden_2 16, L_output 10"), r.output);
        }
        assertTrue(r.output.contains("E_30/L_hidden_1/n_0: act_mean "), r.output);
        assertTrue(r.output.contains("10 class means, 64 incoming weights"), r.output);
    }

    @Test
    void shouldReadOneLayersPartitionWithKcat() throws Exception {
        Result r = exec(Map.of(), ROOT.resolve("examples/kcat/read-layer.sh").toString(), "1", pipeline.bootstrap,
                pipeline.prefix);
        assertEquals(0, r.exit, r.output);
        List<String> keys = r.output.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(EPOCHS * WIDTHS[1], keys.size(), "every hidden_1 snapshot of every scanned epoch: " + r.output);
        for (String k : keys) {
            assertTrue(k.matches("E_(0|5|10|15|20|25|30)/L_hidden_1/n_([0-9]|[12][0-9]|3[01])"), k);
        }
        assertEquals(keys.size(), keys.stream().distinct().count(), "no duplicates");
    }

    @Test
    void shouldExecuteTheNotebookAndFindTheNeuronBySignature() throws Exception {
        // Given the run's structures stored by the analyzer
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).until(() -> Files.exists(
                pipeline.runDir(run).resolve("structures/z-plus_c0.800_m0.100/epoch=30.json")));
        // When the notebook is executed as CI and a user would
        Path out = pipeline.home.resolve("analysis-executed.ipynb");
        Result r = exec(Map.of("NNSTAIN_RUN", run, "NNSTAIN_DATA_DIR", pipeline.dataDir.toString(),
                "NNSTAIN_COLLECTOR_URL", Pipeline.url(pipeline.collectorPort), "PYDEVD_DISABLE_FILE_VALIDATION", "1"),
                "/usr/bin/jupyter-nbconvert", "--to", "notebook", "--execute",
                ROOT.resolve("notebooks/analysis.ipynb").toString(), "--output", out.toString());
        assertEquals(0, r.exit, r.output);
        // Then its output shows the neuron found by signature, with the stored values
        StringBuilder text = new StringBuilder();
        for (JsonNode cell : Pipeline.JSON.readTree(out.toFile()).path("cells")) {
            for (JsonNode o : cell.path("outputs")) {
                o.path("text").forEach(t -> text.append(t.asText()));
                o.path("data").path("text/plain").forEach(t -> text.append(t.asText()));
            }
        }
        JsonNode neuron = pipeline.client().trace(run, "E_30/L_hidden_1/n_20");
        String found = String.format(Locale.ROOT, "found E_30/L_hidden_1/n_20: act_mean %.4f, 10 class means, 64 incoming"
                + " weights", neuron.path("act_mean").asDouble());
        assertTrue(text.toString().contains(found), "expected '" + found + "' in\n" + text);
        assertTrue(text.toString().contains("structures at E_30"), text.toString());
        assertTrue(text.toString().contains("<Figure"), "the neuron's history and the layer's heatmap are drawn");
    }

    private static void require(String program, String what) {
        if (!new File(program).canExecute()) {
            throw new IllegalStateException("this test needs " + program + " (Debian: " + what + "; .ci/run installs them)");
        }
    }

    record Result(int exit, String output) {
    }

    private Result exec(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end in 3 minutes");
        }
        return new Result(p.exitValue(), output);
    }
}
