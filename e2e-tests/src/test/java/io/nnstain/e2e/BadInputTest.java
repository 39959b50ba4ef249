package io.nnstain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nnstain.cli.Nnstain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad input of every kind — invalid run configurations through the CLI and REST, malformed paths and
 * parameters on every service — is refused with exit 2 or a 4xx whose message names the problem, never a stack
 * trace, and changes nothing: no file of the trace store, no run of the trainer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    /** An invalid option: its CLI name, its REST field, the value, and what the message must name. */
    record Bad(String option, String field, String value, String named) {
    }

    static final String LONG = "a".repeat(10_000);

    static final List<Bad> CONFIGS = List.of(
            new Bad("--dataset", "dataset", "nope", "is not a data set"),
            new Bad("--dataset", "dataset", "", "is not a data set"),
            new Bad("--dataset", "dataset", "../../etc/passwd", "is not a data set"),
            new Bad("--dataset", "dataset", "digits; rm -rf /", "is not a data set"),
            new Bad("--dataset", "dataset", "数字", "is not a data set"),
            new Bad("--dataset", "dataset", "<script>alert(1)</script>", "is not a data set"),
            new Bad("--dataset", "dataset", LONG, "is not a data set"),
            new Bad("--dataset", "dataset", "moons' OR '1'='1", "is not a data set"),
            new Bad("--hidden", "hidden", "0", "hidden"),
            new Bad("--hidden", "hidden", "-1", "hidden"),
            new Bad("--hidden", "hidden", "4097", "hidden"),
            new Bad("--hidden", "hidden", "a,b", "hidden"),
            new Bad("--hidden", "hidden", "16,,16", "hidden"),
            new Bad("--hidden", "hidden", "16;16", "hidden"),
            new Bad("--hidden", "hidden", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "hidden"),
            new Bad("--hidden", "hidden", "1e3", "hidden"),
            new Bad("--hidden", "hidden", "", "hidden"),
            new Bad("--hidden", "hidden", "１６", "hidden"),
            new Bad("--activation", "activation", "softmax", "activation"),
            new Bad("--activation", "activation", "relu;", "activation"),
            new Bad("--activation", "activation", "<b>", "activation"),
            new Bad("--optimizer", "optimizer", "rmsprop", "optimizer"),
            new Bad("--optimizer", "optimizer", "", "optimizer"),
            new Bad("--lr", "learning_rate", "0", "learning_rate"),
            new Bad("--lr", "learning_rate", "-1", "learning_rate"),
            new Bad("--lr", "learning_rate", "11", "learning_rate"),
            new Bad("--lr", "learning_rate", "NaN", "learning_rate"),
            new Bad("--lr", "learning_rate", "Infinity", "learning_rate"),
            new Bad("--lr", "learning_rate", "abc", "l"),
            new Bad("--batch-size", "batch_size", "0", "batch_size"),
            new Bad("--batch-size", "batch_size", "-5", "batch_size"),
            new Bad("--batch-size", "batch_size", "70000", "batch_size"),
            new Bad("--batch-size", "batch_size", "1.5", "batch"),
            new Bad("--epochs", "epochs", "0", "epochs"),
            new Bad("--epochs", "epochs", "-1", "epochs"),
            new Bad("--epochs", "epochs", "100001", "epochs"),
            new Bad("--epochs", "epochs", "2147483648", "epochs"),
            new Bad("--epochs", "epochs", "ten", "epochs"),
            new Bad("--seed", "seed", "x", "seed"),
            new Bad("--seed", "seed", "9.5", "seed"),
            new Bad("--epoch-intervals", "epoch_intervals", "0", "epoch_intervals"),
            new Bad("--epoch-intervals", "epoch_intervals", "-3", "epoch_intervals"),
            new Bad("--epoch-intervals", "epoch_intervals", "5,40", "epoch_intervals"),
            new Bad("--epoch-intervals", "epoch_intervals", "a,b", "epoch_intervals"),
            new Bad("--epoch-intervals", "epoch_intervals", "1,x", "epoch_intervals"),
            new Bad("--epoch-intervals", "epoch_intervals", "31", "epoch_intervals"),
            new Bad("--validation-fraction", "validation_fraction", "0", "validation_fraction"),
            new Bad("--validation-fraction", "validation_fraction", "0.9", "validation_fraction"),
            new Bad("--probe-set-size", "probe_set_size", "0", "probe_set_size"),
            new Bad("--probe-set-size", "probe_set_size", "10001", "probe_set_size"),
            new Bad("--samples", "samples", "10", "samples"),
            new Bad("--samples", "samples", "2000000", "samples"),
            new Bad("--classes", "classes", "1", "classes"),
            new Bad("--classes", "classes", "101", "classes"),
            new Bad("--features", "features", "1", "features"),
            new Bad("--features", "features", "1001", "features"),
            new Bad("--noise", "noise", "-1", "noise"));

    /** A malformed request: the service, method, path with its query, and what the answer must name. */
    record Request(String service, String method, String path, String named) {
    }

    private Pipeline pipeline;
    private String run;
    private final HttpClient http = HttpClient.newHttpClient();

    /** The CLI's home: a stack started there by a configuration wrongly accepted is stopped at the end. */
    private Path cliHome;

    @BeforeAll
    void start() throws IOException {
        cliHome = Files.createTempDirectory("nnstain-bad-input-cli-");
        pipeline = new Pipeline().start().startAnalyzer().startViz();
        run = pipeline.trainAndAwaitTrace(PipelineEndToEndTest.config("moons", "16,16", 3, "", 5));
        // the analyzer finishes a run after its last epoch, off its consuming thread: the store is still before then
        Path finished = pipeline.runDir(run).resolve("structures/z-plus_c0.800_m0.100/verification.json");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(1)).until(() -> Files.exists(finished));
    }

    @AfterAll
    void stop() {
        // a configuration wrongly accepted starts a stack in the CLI's home: never leave it running
        if (Files.exists(cliHome.resolve("stack.json"))) {
            Nnstain.execute("--home", cliHome.toString(), "down");
        }
        try (Stream<Path> files = Files.walk(cliHome)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + cliHome + ": " + e.getMessage());
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    List<Request> requests() {
        String r = run;
        return List.of(
                new Request("collector", "GET", "/runs/..%2F..%2Fetc/trace/E_0", "is not a run id"),
                new Request("collector", "GET", "/runs/" + r + "/trace/E_0/L_input/n_99999999999", "malformed network signature"),
                new Request("collector", "GET", "/runs/" + r + "/trace/E_x", "malformed network signature"),
                new Request("collector", "GET", "/runs/" + r + "/trace/E_0;DROP%20TABLE%20neurons", "matrix parameter"),
                new Request("collector", "GET", "/runs/" + r + "/trace/%27%20OR%201%3D1%20--", "malformed network signature"),
                new Request("collector", "GET", "/runs/" + r + "/trace/E_0/L_%3Cscript%3E/n_0", "malformed network signature"),
                new Request("collector", "GET", "/runs/" + r + "/trace/E_-1", "malformed network signature"),
                new Request("collector", "GET", "/runs/" + r + "/trace/E_0/L_input/n_-1", "malformed network signature"),
                new Request("collector", "GET", "/runs/" + r + "/trace/E_999", "is not scanned"),
                new Request("collector", "GET", "/runs/" + r + "/trace/E_0/L_hidden_9", "no such layer"),
                new Request("collector", "GET", "/runs/" + r + "/trace/E_0/L_input/n_5", "no neuron 5"),
                new Request("collector", "GET", "/runs/" + r + "/export?format=xml", "accepted: csv, json"),
                new Request("collector", "GET", "/runs/" + r + "/export?format=%00", "accepted: csv, json"),
                new Request("collector", "GET", "/runs/%C3%A9t%C3%A9", "is not a run id"),
                new Request("collector", "GET", "/runs/" + LONG, ""),
                new Request("collector", "GET", "/runs/no-such-run", "no run"),
                new Request("collector", "GET", "/runs/%00", "control characters"),
                new Request("collector", "GET", "/runs/" + r + "/nothing/here", "no resource"),
                new Request("collector", "DELETE", "/runs/" + r, "is not allowed"),
                new Request("analyzer", "GET", "/runs/" + r + "/structures/E_abc", "is not an epoch"),
                new Request("analyzer", "GET", "/runs/" + r + "/structures/E_1?coverage=abc", "coverage"),
                new Request("analyzer", "GET", "/runs/" + r + "/structures/E_1?coverage=2", "coverage"),
                new Request("analyzer", "GET", "/runs/" + r + "/structures/E_1?max-fraction=-1", "max_fraction"),
                new Request("analyzer", "GET", "/runs/" + r + "/structures/E_1?rule=lrp", "accepted: z-plus, z"),
                new Request("analyzer", "GET", "/runs/" + r + "/structures/latest?rule=%3Cscript%3E", "accepted: z-plus, z"),
                new Request("analyzer", "GET", "/runs/" + r + "/structures/E_1/classes/%27%20OR%201=1", "no class"),
                new Request("analyzer", "GET", "/runs/" + r + "/structures/E_1/classes/99", "no class"),
                new Request("analyzer", "GET", "/runs/" + r + "/structures/E_99999", "is not scanned"),
                new Request("analyzer", "GET", "/runs/" + r + "/verification?draws=-1", "draws"),
                new Request("analyzer", "GET", "/runs/" + r + "/verification?draws=abc", "draws"),
                new Request("analyzer", "GET", "/runs/" + r + "/verification?draws=100000", "draws"),
                new Request("analyzer", "GET", "/runs/" + r + "/verification?epoch=E_x", "is not an epoch"),
                new Request("analyzer", "GET", "/runs/" + r + "/predictions?epoch=99999", "is not scanned"),
                new Request("analyzer", "GET", "/runs/" + r + "/emergence?coverage=NaN", "coverage"),
                new Request("analyzer", "GET", "/runs/..%2Fx/summary", "is not a run id"),
                new Request("analyzer", "GET", "/runs/nope/summary", "no run"),
                new Request("analyzer", "POST", "/runs/" + r + "/analyses?coverage=0", "coverage"),
                new Request("analyzer", "POST", "/runs/" + r + "/analyses?rule=%27%3B%20DROP", "accepted: z-plus, z"),
                new Request("viz", "GET", "/api/runs/" + r + "/stain.gif", "picture format"),
                new Request("viz", "GET", "/api/runs/" + r + "/stain.svg?epoch=E_-1", "is not an epoch"),
                new Request("viz", "GET", "/api/runs/" + r + "/stain.svg?epoch=99999", "has no structures"),
                new Request("viz", "GET", "/api/runs/" + r + "/heatmaps.svg?layer=%3Cscript%3E", "has no layer"),
                new Request("viz", "GET", "/api/runs/" + r + "/curves.exe", "picture format"),
                new Request("viz", "GET", "/api/runs/" + r + "/input-stains.svg?epoch=abc", "is not an epoch"),
                new Request("viz", "GET", "/api/runs/" + r + "/emergence.svg%0a", "control characters"),
                new Request("viz", "GET", "/api/runs/%00/stain.svg", "control characters"),
                new Request("viz", "GET", "/api/runs/nope/stain.svg", "no run"),
                new Request("viz", "GET", "/api/runs/..%2F..%2Fetc/stain.svg", "no run"),
                new Request("viz", "GET", "/api/runs/%E2%80%AE/stain.svg", "no run"),
                new Request("viz", "POST", "/api/runs/nope/results", "no run"),
                new Request("trainer", "GET", "/runs/nope", "no run"),
                new Request("trainer", "GET", "/runs/%2e%2e%2f", "no run"),
                new Request("trainer", "GET", "/runs;a=1", "matrix parameter"),
                new Request("trainer", "DELETE", "/runs", "is not allowed"),
                new Request("trainer", "GET", "/runs/%0d%0aSet-Cookie:x", "control characters"));
    }

    @Test
    void shouldRefuseEveryInvalidRunConfigurationFromCliAndRestChangingNothing() throws Exception {
        Map<String, String> storeBefore = snapshot(pipeline.dataDir);
        int runsBefore = pipeline.client().runs().size();
        int refused = 0;
        for (Bad bad : CONFIGS) {
            // the CLI: exit 2, the option named, and no stack started
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = cli(err, "--home", cliHome.toString(), "train", bad.option(), bad.value());
            assertEquals(2, code, bad + ": " + err);
            assertNames(err.toString(), bad.named(), bad.toString());
            assertFalse(Files.exists(cliHome.resolve("stack.json")), "no stack for " + bad);
            // REST: 400 naming it
            ObjectNode body = Pipeline.JSON.createObjectNode();
            if (isNumber(bad.value())) {
                body.set(bad.field(), Pipeline.JSON.readTree(bad.value()));
            } else {
                body.put(bad.field(), bad.value());
            }
            HttpResponse<String> answer = send("trainer", "POST", "/runs", body.toString());
            assertEquals(400, answer.statusCode(), bad + ": " + answer.body());
            assertNames(answer.body(), bad.named(), bad.toString());
            refused++;
        }
        for (String body : List.of("not json", "[1,2]", "{\"hidden\": [1, null]}", "{\"epoch_intervals\": {\"a\": 1}}",
                "{\"hidden\": \"16\", \"hidden\": \"1\"}", "{\"epochs\": 1e99}", "{\"unknown\": 1}", "{\"drop_batches\": \"yes\"}")) {
            HttpResponse<String> answer = send("trainer", "POST", "/runs", body);
            assertEquals(400, answer.statusCode(), body + ": " + answer.body());
            assertNames(answer.body(), "", body);
            refused++;
        }
        assertTrue(refused >= 50, "refused " + refused);
        assertEquals(runsBefore, pipeline.client().runs().size(), "no run queued");
        assertEquals(storeBefore, snapshot(pipeline.dataDir), "the trace store is untouched");
    }

    @Test
    void shouldAnswerEveryMalformedPathOrParameterWithA4xxNamingTheProblemChangingNothing() throws Exception {
        Map<String, String> storeBefore = snapshot(pipeline.dataDir);
        List<Request> requests = requests();
        assertTrue(requests.size() >= 50, "requests: " + requests.size());
        List<String> failures = new ArrayList<>();
        for (Request q : requests) {
            HttpResponse<String> answer = send(q.service(), q.method(), q.path(), null);
            String shortPath = q.path().length() > 80 ? q.path().substring(0, 80) + "…" : q.path();
            if (answer.statusCode() < 400 || answer.statusCode() >= 500) {
                failures.add(q.method() + " " + shortPath + " → " + answer.statusCode());
                continue;
            }
            try {
                assertNames(answer.body(), q.named(), q.method() + " " + shortPath);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(storeBefore, snapshot(pipeline.dataDir), "the trace store is untouched");
    }

    /** The message names the problem and shows no stack trace. */
    private static void assertNames(String message, String named, String what) {
        assertTrue(message.contains(named), what + ": '" + named + "' not in " + abbreviate(message));
        for (String trace : List.of("Exception", "\tat ", ".java:", "at io.", "at java.")) {
            assertFalse(message.contains(trace), what + ": a stack trace in " + abbreviate(message));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "…" : s;
    }

    private static boolean isNumber(String value) {
        return value.matches("-?[0-9]+(\\.[0-9]+)?([eE][0-9]+)?");
    }

    private HttpResponse<String> send(String service, String method, String path, String body) throws Exception {
        int port = switch (service) {
            case "trainer" -> pipeline.trainerPort;
            case "collector" -> pipeline.collectorPort;
            case "analyzer" -> pipeline.analyzerPort;
            default -> pipeline.vizPort;
        };
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Pipeline.url(port) + path));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int cli(ByteArrayOutputStream err, String... args) {
        PrintStream original = System.err;
        try {
            System.setErr(new PrintStream(err, true));
            return Nnstain.execute(args);
        } finally {
            System.setErr(original);
        }
    }

    /** Every file under the folder with its size and modification time. */
    private static Map<String, String> snapshot(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                try {
                    out.put(dir.relativize(f).toString(), Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
