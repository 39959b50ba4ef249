package io.nnstain.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nnstain.schemas.avro.EpochSealed;
import io.nnstain.schemas.messaging.TopicReader;
import io.nnstain.schemas.serde.AvroSerde;
import io.nnstain.schemas.topics.TopicNamespace;
import io.nnstain.schemas.topics.Topics;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Freshness of the live page: for each epoch, the time from its end (the EpochSealed record's timestamp) until
 * headless Chromium shows a stain of that epoch or a later one on the run page, opened as the run is submitted.
 */
@Command(name = "ui-freshness", mixinStandardHelpOptions = true,
        description = "Submits a digits run to the local stack, follows it in headless Chromium (Debian chromium and "
                + "chromium-driver) and prints per epoch the time from its end to an updated stain on the page.")
public final class UiFreshness implements Callable<Integer> {

    @Option(names = "--epochs", defaultValue = "60", description = "Epochs of the digits run (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--hidden", defaultValue = "64,128,64", description = "Hidden widths (default ${DEFAULT-VALUE}).")
    String hidden;

    private static String since(Long t, long from) {
        return t == null ? "-" : String.valueOf(t - from);
    }

    /** Each epoch's first record timestamp on a topic keyed by run id, for one run. */
    private static Map<Integer, Long> timestamps(String servers, String run, io.nnstain.schemas.topics.Topic topic) {
        AvroSerde serde = new AvroSerde();
        Map<Integer, Long> out = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(servers, new TopicNamespace("nnstain.").name(topic),
                Duration.ofSeconds(30))) {
            if (run.equals(r.key())) {
                Object record = serde.decode(r.value());
                int epoch = record instanceof io.nnstain.schemas.avro.EpochAssembled a ? a.getEpoch()
                        : ((io.nnstain.schemas.avro.StructureSnapshot) record).getEpoch();
                out.putIfAbsent(epoch, r.timestamp());
            }
        }
        return out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new UiFreshness()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode stack = json.readTree(Files.readString(Path.of(System.getProperty("nnstain.root", "."))
                .resolve(".nnstain/stack.json")));
        HttpClient http = HttpClient.newHttpClient();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000");
        ChromeDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(), options);
        try {
            String body = "{\"dataset\":\"digits\",\"hidden\":\"" + hidden + "\",\"epochs\":" + epochs + "}";
            HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(stack.path("trainer_url").asText()
                    + "/runs")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            String run = json.readTree(submitted.body()).path("run_id").asText();
            browser.get(stack.path("viz_url").asText() + "/run.html?run=" + run);
            long deadline = System.currentTimeMillis() + 300_000;
            Map<Integer, Long> shown = new TreeMap<>();
            while (System.currentTimeMillis() < deadline && !shown.containsKey(epochs)) {
                Thread.sleep(250);
                Object seen = browser.executeScript("return window.nnstainShown || {}");
                ((Map<?, ?>) seen).forEach((k, v) -> shown.put(Integer.parseInt(k.toString()), ((Number) v).longValue()));
            }
            TreeMap<Integer, Long> ended = new TreeMap<>();
            for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(stack.path("kafka").asText(),
                    new TopicNamespace("nnstain.").name(Topics.EPOCHS), Duration.ofSeconds(30))) {
                if (run.equals(r.key())) {
                    ended.putIfAbsent(new AvroSerde().decode(r.value(), EpochSealed.class).getEpoch(), r.timestamp());
                }
            }
            Map<Integer, Long> assembled = timestamps(stack.path("kafka").asText(), run, Topics.ASSEMBLED);
            Map<Integer, Long> analysed = timestamps(stack.path("kafka").asText(), run, Topics.STRUCTURES);
            ArrayList<Long> fresh = new ArrayList<>();
            System.out.println("epoch  ended→on screen ms   (ended→assembled, →analysed)");
            for (var e : ended.entrySet()) {
                long first = shown.entrySet().stream().filter(s -> s.getKey() >= e.getKey())
                        .mapToLong(Map.Entry::getValue).min().orElse(Long.MAX_VALUE);
                long ms = first == Long.MAX_VALUE ? -1 : first - e.getValue();
                System.out.printf("E_%-4d %-20s (%s, %s)%n", e.getKey(), ms < 0 ? "never" : String.valueOf(ms),
                        since(assembled.get(e.getKey()), e.getValue()), since(analysed.get(e.getKey()), e.getValue()));
                if (ms >= 0) {
                    fresh.add(ms);
                }
            }
            long[] sorted = fresh.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("run %s: %d of %d epochs on screen (%d stains drawn); freshness p50 %d ms, p95 %d ms,"
                    + " max %d ms%n", run, sorted.length, ended.size(), shown.size(), StructureLatency.percentile(sorted, 50),
                    StructureLatency.percentile(sorted, 95), sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
            return sorted.length == ended.size() ? 0 : 1;
        } finally {
            browser.quit();
        }
    }
}
