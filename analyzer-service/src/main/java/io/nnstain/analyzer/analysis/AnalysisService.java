package io.nnstain.analyzer.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nnstain.analyzer.AnalyzerConfig;
import io.nnstain.analyzer.emergence.Emergence;
import io.nnstain.store.TracedNetwork;
import io.nnstain.analyzer.relevance.Pathway;
import io.nnstain.analyzer.relevance.StructureFinder;
import io.nnstain.analyzer.verify.Ablation;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.config.AnalysisParams;
import io.nnstain.schemas.serde.AvroJson;
import io.nnstain.store.StoredEpoch;
import io.nnstain.store.StoredRun;
import io.nnstain.store.TraceReader;
import io.nnstain.store.TraceStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Analyses stored epochs and keeps the results beside the trace:
 *
 * <pre>
 * &lt;data&gt;/runs/&lt;run&gt;/structures/&lt;params key&gt;/epoch=&lt;e&gt;.json   StructureSnapshot
 * &lt;data&gt;/runs/&lt;run&gt;/structures/&lt;params key&gt;/emergence.json      per class over epochs
 * &lt;data&gt;/runs/&lt;run&gt;/structures/&lt;params key&gt;/verification.json   ablation vs random at the final epoch
 * </pre>
 *
 * Everything is computed from the trace alone and deterministically, so a result may be computed twice
 * (a redelivered event, two requests) without harm: the file is replaced whole by the same content.
 */
@ApplicationScoped
public class AnalysisService {

    private static final Logger LOG = Logger.getLogger(AnalysisService.class);

    private final AnalyzerConfig config;
    private final TraceStore store;
    private final TraceReader reader;
    private final ObjectMapper json = new ObjectMapper();
    /**
     * The last epoch analysed per run and parameters, so that the next one need not read and analyse it again;
     * at most {@value #LATEST_KEPT} of them, each only what the next epoch needs (its weights, biases and
     * pathways): about 8 MB each on a 784-1024-1024-10 network.
     */
    private final Map<String, Analysed> latest = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Analysed> eldest) {
            return size() > LATEST_KEPT;
        }
    });

    static final int LATEST_KEPT = 16;

    /** An analysed epoch as the next one needs it: its parameters (loss contributions) and pathways (overlaps). */
    private record Analysed(StoredEpoch epoch, EpochAnalysis.Result result) {

        static Analysed keep(StoredEpoch epoch, EpochAnalysis.Result result) {
            return new Analysed(epoch.parametersOnly(), new EpochAnalysis.Result(result.pathways(), null));
        }
    }

    public AnalysisService(AnalyzerConfig config) {
        this.config = config;
        this.store = new TraceStore(Path.of(config.dataDir()));
        this.reader = new TraceReader(store);
    }

    public TraceStore store() {
        return store;
    }

    /** Runs the analysis on synthetic data until the JIT has compiled it (see {@link Warmup}). */
    public void warmUp() {
        Warmup.run(40, System.nanoTime() + io.nnstain.schemas.messaging.ConsumerLoop.WARM_UP_BUDGET.toNanos());
    }

    public AnalysisParams defaults() {
        return new AnalysisParams(config.coverage(), config.maxFraction(), AnalysisParams.Z_PLUS);
    }

    /** The run as stored, or a {@link NotFound} naming the known runs. */
    public StoredRun run(String runId) {
        if (!store.hasRun(runId)) {
            throw new NotFound("no run '" + runId + "'; runs: " + String.join(", ", store.runs()));
        }
        return reader.run(runId).orElseThrow(() -> new NotYetStored("run '" + runId
                + "' has no run.json yet (its RunStarted has not been stored)"));
    }

    public List<Integer> storedEpochs(String runId) {
        return store.assembledEpochs(runId);
    }

    /** Checks that the epoch is stored; otherwise a {@link NotFound} listing the scanned and stored epochs. */
    public void requireEpoch(StoredRun run, int epoch) {
        if (!store.hasEpoch(run.runId(), epoch)) {
            String why = run.scannedEpochs().contains(epoch) ? "is not stored yet" : "is not scanned";
            throw new NotFound("E_" + epoch + " of run " + run.runId() + " " + why + "; scanned epochs: "
                    + run.scannedEpochs() + ", stored: " + storedEpochs(run.runId()));
        }
    }

    /** Analyses a stored epoch, stores its snapshot and returns it. */
    public StructureSnapshot analyse(String runId, int epoch, AnalysisParams params) {
        StoredRun run = run(runId);
        requireEpoch(run, epoch);
        StoredEpoch data = reader.epoch(run, epoch);
        String nonFinite = data.nonFinite(run.layerNames());
        if (nonFinite != null) {
            ObjectNode note = header(run, params);
            note.put("epoch", epoch);
            note.put("analysable", false);
            note.put("reason", nonFinite);
            store.writeJson(runId, TraceStore.notAnalysableEpoch(params.key(), epoch), note);
            throw new NotAnalysable(run, epoch, nonFinite);
        }
        Analysed previous = previous(run, epoch, params);
        EpochAnalysis.Result result = EpochAnalysis.analyse(run, data, params,
                previous == null ? null : previous.result(), previous == null ? null : previous.epoch());
        latest.put(runId + "/" + params.key(), Analysed.keep(data, result));
        store.writeJson(runId, TraceStore.structuresOfEpoch(params.key(), epoch), AvroJson.toJson(result.snapshot()));
        return result.snapshot();
    }

    private Analysed previous(StoredRun run, int epoch, AnalysisParams params) {
        Integer prev = null;
        for (int e : storedEpochs(run.runId())) {
            if (e < epoch) {
                prev = e;
            }
        }
        if (prev == null) {
            return null;
        }
        Analysed cached = latest.get(run.runId() + "/" + params.key());
        if (cached != null && cached.epoch().epoch() == prev) {
            return cached;
        }
        StoredEpoch data = reader.epoch(run, prev);
        if (data.nonFinite(run.layerNames()) != null) {
            return null;
        }
        return Analysed.keep(data, EpochAnalysis.analyse(run, data, params, null, null, false));
    }

    /** The stored snapshot of an epoch, analysing it first if it is not stored for these parameters. */
    public StructureSnapshot structures(String runId, int epoch, AnalysisParams params) {
        StoredRun run = run(runId);
        requireEpoch(run, epoch);
        Optional<JsonNode> stored = store.readJson(runId, TraceStore.structuresOfEpoch(params.key(), epoch));
        Optional<JsonNode> notAnalysable = store.readJson(runId, TraceStore.notAnalysableEpoch(params.key(), epoch));
        if (notAnalysable.isPresent()) {
            throw new NotAnalysable(run, epoch, notAnalysable.get().path("reason").asText());
        }
        if (stored.isPresent()) {
            return AvroJson.read(stored.get(), StructureSnapshot.class);
        }
        return analyse(runId, epoch, params);
    }

    /** Analyses every stored epoch of a run again, in order, with these parameters (no retraining). */
    public List<StructureSnapshot> reanalyse(String runId, AnalysisParams params) {
        StoredRun run = run(runId);
        List<StructureSnapshot> out = new ArrayList<>();
        Analysed previous = null;
        for (int e : storedEpochs(runId)) {
            StoredEpoch data = reader.epoch(run, e);
            if (data.nonFinite(run.layerNames()) != null) {
                continue;
            }
            EpochAnalysis.Result r = EpochAnalysis.analyse(run, data, params,
                    previous == null ? null : previous.result(), previous == null ? null : previous.epoch());
            store.writeJson(runId, TraceStore.structuresOfEpoch(params.key(), e), AvroJson.toJson(r.snapshot()));
            out.add(r.snapshot());
            previous = Analysed.keep(data, r);
        }
        if (out.isEmpty()) {
            throw new NotFound("run " + runId + " has no stored epoch yet");
        }
        return out;
    }

    /** Emergence curves over the stored epochs (analysing those not analysed yet), stored when the run is complete. */
    public ObjectNode emergence(String runId, AnalysisParams params) {
        StoredRun run = run(runId);
        List<StructureSnapshot> snapshots = new ArrayList<>();
        for (int e : storedEpochs(runId)) {
            try {
                snapshots.add(structures(runId, e, params));
            } catch (NotAnalysable skipped) {
                // a diverged epoch has no structures; the curves end before it
            }
        }
        if (snapshots.isEmpty()) {
            throw new NotFound("run " + runId + " has no stored epoch yet");
        }
        List<Emergence.ClassEmergence> classes = Emergence.of(snapshots);
        ObjectNode node = header(run, params);
        int last = snapshots.get(snapshots.size() - 1).getEpoch();
        node.put("final_epoch", last);
        node.put("complete", last == run.finalEpoch());
        node.put("settled_overlap", Emergence.SETTLED);
        node.put("median_settling_epoch", Emergence.medianSettlingEpoch(classes));
        ArrayNode list = node.putArray("classes");
        for (Emergence.ClassEmergence c : classes) {
            ObjectNode n = list.addObject();
            n.put("class_index", c.classIndex());
            n.put("class_name", c.className());
            n.put("settling_epoch", c.settlingEpoch());
            n.set("epochs", json.valueToTree(c.epochs()));
            n.set("jaccard_previous", AvroJson.plain(boxed(c.jaccardPrevious())));
            n.set("jaccard_final", AvroJson.plain(boxed(c.jaccardFinal())));
            n.set("hidden_neurons", json.valueToTree(c.hiddenSize()));
            ObjectNode entropy = n.putObject("entropy");
            for (int l = 0; l < run.layerCount(); l++) {
                ArrayNode curve = entropy.putArray(run.layerNames().get(l));
                for (double[] perLayer : c.entropy()) {
                    curve.add(perLayer[l]);
                }
            }
        }
        if (last == run.finalEpoch()) {
            write(runId, params, "emergence.json", node);
        }
        return node;
    }

    /**
     * The causal check at an epoch: each class's structure silenced versus random same-size sets, on the probe
     * set, through the network rebuilt from the trace.
     */
    public ObjectNode verification(String runId, int epoch, AnalysisParams params, int draws) {
        StoredRun run = run(runId);
        requireEpoch(run, epoch);
        if (run.probeLabels().length == 0) {
            throw new NotFound("run " + runId + " published no probe set, so its structures cannot be verified");
        }
        StoredEpoch data = analysable(run, reader.epoch(run, epoch));
        TracedNetwork net = TracedNetwork.of(run, data);
        List<Pathway> pathways = new StructureFinder(params).find(net, data.classMeans());
        Ablation ablation = new Ablation(net, run.probeFeatures(), run.probeLabels());
        ObjectNode node = header(run, params);
        node.put("epoch", epoch);
        node.put("random_draws", draws);
        node.put("probe_samples", run.probeLabels().length);
        ArrayNode list = node.putArray("classes");
        double[] sums = new double[4];
        int counted = 0;
        for (Pathway p : pathways) {
            int c = p.classIndex();
            Ablation.Effect own = ablation.silence(p);
            Ablation.Effect random = ablation.random(p, draws, run.seed() * 1_000_003L + epoch * 101L + c);
            ObjectNode n = list.addObject();
            n.put("class_index", c);
            n.put("class_name", run.classNames().get(c));
            ArrayNode sizes = n.putArray("structure_sizes");
            for (int l = 1; l < run.layerCount() - 1; l++) {
                sizes.add(p.neurons()[l].length);
            }
            n.put("hidden_neurons", p.hiddenSize());
            n.set("class_accuracy", AvroJson.plain(own.classAccuracy()[c]));
            n.set("class_drop", AvroJson.plain(own.drop(c)));
            n.set("other_drop", AvroJson.plain(own.otherDrop(c)));
            n.set("random_class_drop", AvroJson.plain(random.drop(c)));
            n.set("random_other_drop", AvroJson.plain(random.otherDrop(c)));
            if (!Double.isNaN(own.drop(c))) {
                sums[0] += own.drop(c);
                sums[1] += own.otherDrop(c);
                sums[2] += random.drop(c);
                sums[3] += random.otherDrop(c);
                counted++;
            }
        }
        node.put("mean_class_drop", sums[0] / counted);
        node.put("mean_other_drop", sums[1] / counted);
        node.put("mean_random_class_drop", sums[2] / counted);
        node.put("mean_random_other_drop", sums[3] / counted);
        if (epoch == run.finalEpoch() && draws == config.randomDraws()) {
            write(runId, params, "verification.json", node);
        }
        return node;
    }

    /**
     * The network of an epoch rebuilt from the trace alone, run on the run's probe set: its predictions and,
     * at the final epoch of a finished run, how many agree with the trainer's own (RunFinished).
     */
    public ObjectNode predictions(String runId, int epoch) {
        StoredRun run = run(runId);
        requireEpoch(run, epoch);
        TracedNetwork net = TracedNetwork.of(run, analysable(run, reader.epoch(run, epoch)));
        int[] predicted = net.predict(run.probeFeatures(), null);
        int right = 0;
        for (int i = 0; i < predicted.length; i++) {
            right += predicted[i] == run.probeLabels()[i] ? 1 : 0;
        }
        ObjectNode node = json.createObjectNode();
        node.put("run_id", runId);
        node.put("epoch", epoch);
        node.put("probe_samples", predicted.length);
        node.put("accuracy", predicted.length == 0 ? Double.NaN : (double) right / predicted.length);
        node.set("labels", json.valueToTree(run.probeLabels()));
        node.set("predictions", json.valueToTree(predicted));
        Optional<JsonNode> finished = store.readJson(runId, TraceStore.FINISHED_FILE);
        if (finished.isPresent() && epoch == run.finalEpoch()) {
            JsonNode trainer = finished.get().path("probe_predictions");
            int agree = 0;
            for (int i = 0; i < predicted.length && i < trainer.size(); i++) {
                agree += trainer.get(i).asInt() == predicted[i] ? 1 : 0;
            }
            node.set("trainer_predictions", trainer);
            node.put("agree_with_trainer", agree);
        }
        return node;
    }

    public int randomDraws() {
        return config.randomDraws();
    }

    /** Emergence and verification at the final stored epoch, side by side per class. */
    public ObjectNode summary(String runId, AnalysisParams params) {
        ObjectNode emergence = emergence(runId, params);
        int last = emergence.path("final_epoch").asInt();
        ObjectNode verification = verification(runId, last, params, config.randomDraws());
        ObjectNode node = header(run(runId), params);
        node.put("epoch", last);
        node.put("complete", emergence.path("complete").asBoolean());
        node.put("median_settling_epoch", emergence.path("median_settling_epoch").asDouble());
        node.put("random_draws", verification.path("random_draws").asInt());
        for (String f : List.of("mean_class_drop", "mean_other_drop", "mean_random_class_drop", "mean_random_other_drop")) {
            node.set(f, verification.path(f));
        }
        ArrayNode list = node.putArray("classes");
        for (int c = 0; c < verification.path("classes").size(); c++) {
            ObjectNode n = ((ObjectNode) verification.path("classes").get(c)).deepCopy();
            n.put("settling_epoch", emergence.path("classes").get(c).path("settling_epoch").asInt());
            list.add(n);
        }
        return node;
    }

    /**
     * Runs whose final scanned epoch is analysed with the default parameters but whose emergence or
     * verification file is missing: a crash came between the last epoch and {@link #finish}.
     */
    public List<String> unfinishedRuns() {
        String key = defaults().key();
        List<String> out = new ArrayList<>();
        for (String runId : store.runs()) {
            try {
                Optional<JsonNode> started = store.readJson(runId, "run.json");
                if (started.isEmpty()) {
                    continue;
                }
                StoredRun run = StoredRun.of(started.get());
                boolean finalAnalysed = store.analysedEpochs(runId, key).contains(run.finalEpoch());
                boolean finished = store.readJson(runId, relative(defaults(), "emergence.json")).isPresent()
                        && store.readJson(runId, relative(defaults(), "verification.json")).isPresent();
                if (finalAnalysed && !finished) {
                    out.add(runId);
                }
            } catch (RuntimeException e) {
                LOG.warnf("run %s: could not check whether its analysis is finished: %s", runId, e.toString());
            }
        }
        return out;
    }

    /** After the final scanned epoch: the emergence and verification files, off the consumer's thread. */
    public ObjectNode finish(String runId) {
        AnalysisParams params = defaults();
        long start = System.nanoTime();
        ObjectNode summary = summary(runId, params);
        LOG.infof("run %s analysed: median settling epoch %s, mean ablation drop %.3f on the class, %.3f on others"
                + " (random sets: %.3f, %.3f), in %.0f ms", runId, summary.path("median_settling_epoch").asText(),
                summary.path("mean_class_drop").asDouble(), summary.path("mean_other_drop").asDouble(),
                summary.path("mean_random_class_drop").asDouble(), summary.path("mean_random_other_drop").asDouble(),
                (System.nanoTime() - start) / 1e6);
        return summary;
    }

    private static StoredEpoch analysable(StoredRun run, StoredEpoch data) {
        String nonFinite = data.nonFinite(run.layerNames());
        if (nonFinite != null) {
            throw new NotAnalysable(run, data.epoch(), nonFinite);
        }
        return data;
    }

    private ObjectNode header(StoredRun run, AnalysisParams params) {
        ObjectNode node = json.createObjectNode();
        node.put("run_id", run.runId());
        TraceStore.RunOutcome outcome = store.outcome(run.runId());
        node.put("run_status", outcome.status().name());
        if (outcome.divergence() != null) {
            node.set("divergence", outcome.divergence());
        }
        node.put("rule", params.rule());
        node.put("coverage", params.coverage());
        node.put("max_fraction", params.maxFraction());
        return node;
    }

    private void write(String runId, AnalysisParams params, String file, JsonNode value) {
        store.writeJson(runId, relative(params, file), value);
    }

    private static String relative(AnalysisParams params, String file) {
        return TraceStore.structures(params.key(), file);
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /** The epoch holds non-finite numbers (a diverged run): it has no structures. */
    public static final class NotAnalysable extends RuntimeException {
        public NotAnalysable(StoredRun run, int epoch, String reason) {
            super("E_" + epoch + " of run " + run.runId() + " is not analysable: " + reason
                    + " (the run diverged; earlier epochs are analysed as usual)");
        }
    }

    /** Something asked for is not there (run, epoch); the message says what is. */
    public static class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    /**
     * The run's metadata is not stored yet: the collector stores RunStarted from another topic than the
     * epochs, so an epoch's announcement can come first. Worth waiting for.
     */
    public static final class NotYetStored extends NotFound {
        public NotYetStored(String message) {
            super(message);
        }
    }
}
