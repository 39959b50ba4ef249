package io.nnstain.viz.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.config.AnalysisParams;
import io.nnstain.schemas.serde.AvroJson;
import io.nnstain.store.StoredRun;
import io.nnstain.store.TraceReader;
import io.nnstain.store.TraceStore;
import io.nnstain.store.TracedNetwork;
import io.nnstain.viz.VizConfig;
import io.nnstain.viz.render.CurvesRenderer.EpochFigures;
import io.nnstain.viz.render.HeatmapRenderer;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the pictures are drawn from, read from the trace store: the collector's run.json and epochs, and the
 * analyzer's structures, emergence and verification for the default analysis parameters (the ones the
 * analyzer uses while a run trains).
 */
@ApplicationScoped
public class RunData {

    private static final String KEY = AnalysisParams.defaults().key();

    private final TraceStore store;
    private final TraceReader reader;

    @jakarta.inject.Inject
    public RunData(VizConfig config) {
        this(new TraceStore(Path.of(config.dataDir())));
    }

    public RunData(TraceStore store) {
        this.store = store;
        this.reader = new TraceReader(store);
    }

    public TraceStore store() {
        return store;
    }

    public TraceReader reader() {
        return reader;
    }

    /** The run as stored, or empty when there is no such run or its run.json is not stored yet. */
    public Optional<StoredRun> run(String id) {
        if (id == null || !TraceStore.RUN_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return reader.run(id);
    }

    /** Epochs whose structures the analyzer has stored, ascending. */
    public List<Integer> analysedEpochs(String id) {
        return store.analysedEpochs(id, KEY);
    }

    public Optional<StructureSnapshot> structures(String id, int epoch) {
        return store.readJson(id, TraceStore.structuresOfEpoch(KEY, epoch))
                .map(n -> AvroJson.read(n, StructureSnapshot.class));
    }

    public Optional<JsonNode> emergence(String id) {
        return store.readJson(id, TraceStore.structures(KEY, "emergence.json"));
    }

    public Optional<JsonNode> verification(String id) {
        return store.readJson(id, TraceStore.structures(KEY, "verification.json"));
    }

    /** Loss and accuracy of every stored epoch, from its EpochSealed. */
    public List<EpochFigures> figures(StoredRun run) {
        List<EpochFigures> out = new ArrayList<>();
        for (int e : store.assembledEpochs(run.runId())) {
            Optional<JsonNode> sealed = store.readJson(run.runId(), "epoch=" + e + "/sealed.json");
            if (sealed.isEmpty()) {
                continue;
            }
            JsonNode s = sealed.get();
            JsonNode perClass = s.path("validation_class_accuracy");
            double[] classes = new double[perClass.size()];
            for (int c = 0; c < classes.length; c++) {
                classes[c] = number(perClass.get(c));
            }
            out.add(new EpochFigures(e, number(s.path("train_loss")), number(s.path("validation_loss")),
                    number(s.path("train_accuracy")), number(s.path("validation_accuracy")), classes));
        }
        return out;
    }

    /** The network of an epoch rebuilt from the trace. */
    public TracedNetwork network(StoredRun run, int epoch) {
        return TracedNetwork.of(run, reader.epoch(run, epoch));
    }

    /** Neuron × epoch heatmaps of a layer over every stored epoch. */
    public HeatmapRenderer.Data heatmaps(StoredRun run, String layer) {
        List<Integer> epochs = store.assembledEpochs(run.runId());
        TraceReader.LayerHistory h = reader.layerHistory(run, layer, epochs);
        return HeatmapRenderer.of(run.runId(), layer, h.epochs(), h.actMean(), h.classMeans(), h.weightChange(),
                run.classNames());
    }

    private static double number(JsonNode n) {
        return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
    }
}
