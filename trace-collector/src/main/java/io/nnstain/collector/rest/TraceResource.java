package io.nnstain.collector.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nnstain.collector.messaging.TraceConsumer;
import io.nnstain.store.TraceReader;
import io.nnstain.store.TraceStore;
import io.nnstain.schemas.signature.NetworkSignature;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stored trace over HTTP: runs, a run's manifest, one neuron by network signature, an epoch or a layer
 * slice, and exports for pandas.
 */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
public class TraceResource {

    private static final Pattern EPOCH = Pattern.compile("E_(0|[1-9][0-9]{0,8})");
    private static final Pattern EPOCH_LAYER = Pattern.compile("E_(0|[1-9][0-9]{0,8})/L_([A-Za-z0-9_]+)");

    private final TraceStore store;
    private final TraceReader reader;
    private final ObjectMapper json;

    public TraceResource(TraceConsumer consumer, ObjectMapper json) {
        this.store = consumer.store();
        this.reader = new TraceReader(store);
        this.json = json;
    }

    @GET
    public List<ObjectNode> runs() {
        List<ObjectNode> out = new ArrayList<>();
        for (String run : store.runs()) {
            out.add(summary(run, started(run), store.outcome(run)));
        }
        return out;
    }

    /** The run's RunStarted as stored; a missing node (every path empty) before it has arrived. */
    private JsonNode started(String run) {
        return store.readJson(run, "run.json").orElse(MissingNode.getInstance());
    }

    private ObjectNode summary(String run, JsonNode started, TraceStore.RunOutcome outcome) {
        ObjectNode node = json.createObjectNode();
        node.put("run_id", run);
        if (!started.isMissingNode()) {
            node.put("dataset", started.path("config").path("dataset").asText());
            node.set("scanned_epochs", started.path("scanned_epochs"));
            node.put("started_at_ms", started.path("started_at_ms").asLong());
        }
        node.set("assembled_epochs", json.valueToTree(store.assembledEpochs(run)));
        node.put("status", outcome.status().name());
        if (outcome.divergence() != null) {
            node.set("divergence", outcome.divergence());
        }
        if (outcome.finished() != null && outcome.finished().hasNonNull("error")) {
            node.set("error", outcome.finished().get("error"));
        }
        if (outcome.abandoned() != null) {
            node.set("abandoned", outcome.abandoned());
        }
        return node;
    }

    /** Config, topology, scanned and assembled epochs with their figures and row counts. */
    @GET
    @Path("/{run}")
    public Response manifest(@PathParam("run") String run) {
        Response missing = checkRun(run);
        if (missing != null) {
            return missing;
        }
        JsonNode started = started(run);
        TraceStore.RunOutcome outcome = store.outcome(run);
        JsonNode finished = outcome.finished();
        ObjectNode node = summary(run, started, outcome);
        if (!started.isMissingNode()) {
            node.set("config", started.path("config"));
            node.set("topology", started.path("topology"));
            node.put("train_samples", started.path("train_samples").asInt());
            node.put("validation_samples", started.path("validation_samples").asInt());
            node.put("probe_set_size", started.path("probe_set").path("labels").size());
        }
        ArrayNode epochs = node.putArray("epochs");
        for (int e : store.assembledEpochs(run)) {
            JsonNode sealed = store.readJson(run, "epoch=" + e + "/sealed.json").orElse(json.createObjectNode());
            ObjectNode entry = epochs.addObject();
            entry.put("epoch", e);
            int rows = 0;
            for (JsonNode c : sealed.path("snapshots_per_layer")) {
                rows += c.asInt();
            }
            entry.put("rows", rows);
            entry.set("snapshots_per_layer", sealed.path("snapshots_per_layer"));
            for (String f : List.of("train_loss", "train_accuracy", "validation_loss", "validation_accuracy",
                    "train_class_accuracy", "validation_class_accuracy", "batches_sent")) {
                entry.set(f, sealed.path(f));
            }
        }
        if (finished != null) {
            node.set("finished", finished);
        }
        return Response.ok(node).build();
    }

    /**
     * One neuron by its signature, answered on the I/O thread without a hop to a worker thread: from its layer's
     * lookup file that is two small reads (tens of µs); only a trace stored before 0.2.0 is read through DuckDB
     * here, and a run's run.json is parsed here once. Under 50 connections the hop and its context switches
     * were most of a lookup's time.
     */
    @GET
    @Path("/{run}/trace/E_{epoch: [0-9]{1,9}}/L_{layer: [A-Za-z0-9_]+}/n_{neuron: [0-9]{1,9}}")
    @io.smallrye.common.annotation.NonBlocking
    public Response neuron(@PathParam("run") String run, @PathParam("epoch") String epoch,
            @PathParam("layer") String layer, @PathParam("neuron") String neuron) {
        return trace(run, "E_" + epoch + "/L_" + layer + "/n_" + neuron);
    }

    /**
     * {@code E_30/L_hidden_1/n_20} (one neuron), {@code E_30/L_hidden_1} (a layer) or {@code E_30} (an epoch).
     */
    @GET
    @Path("/{run}/trace/{address: .+}")
    public Response trace(@PathParam("run") String run, @PathParam("address") String address) {
        Response missing = checkRun(run);
        if (missing != null) {
            return missing;
        }
        io.nnstain.store.StoredRun started = reader.run(run).orElse(null);
        Matcher epochOnly = EPOCH.matcher(address);
        Matcher epochLayer = EPOCH_LAYER.matcher(address);
        if (epochOnly.matches()) {
            int epoch = Integer.parseInt(epochOnly.group(1));
            Response notThere = checkEpoch(run, started, epoch);
            return notThere != null ? notThere : Response.ok(reader.slice(run, epoch, null)).build();
        }
        if (epochLayer.matches()) {
            int epoch = Integer.parseInt(epochLayer.group(1));
            String layer = epochLayer.group(2);
            Response notThere = checkEpoch(run, started, epoch);
            if (notThere == null) {
                notThere = checkLayer(run, started, layer);
            }
            return notThere != null ? notThere : Response.ok(reader.slice(run, epoch, layer)).build();
        }
        NetworkSignature signature;
        try {
            signature = NetworkSignature.parse(address);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage() + "; or E_<epoch>/L_<layer> for a layer, E_<epoch> for an epoch");
        }
        Response notThere = checkEpoch(run, started, signature.epoch());
        if (notThere == null) {
            notThere = checkLayer(run, started, signature.layer());
        }
        if (notThere != null) {
            return notThere;
        }
        return reader.neuron(run, signature.epoch(), signature.layer(), signature.neuron())
                .map(row -> Response.ok(row).build())
                .orElseGet(() -> {
                    int width = width(started, signature.layer());
                    return error(404, "no neuron " + signature.neuron() + " in layer " + signature.layer() + " of run "
                            + run + " (width " + width + ", neurons 0 to " + (width - 1) + ")");
                });
    }

    /** The whole stored trace of a run, one row per epoch and neuron: {@code format=csv} or {@code json} (lines). */
    @GET
    @Path("/{run}/export")
    @Produces({"text/csv", "application/x-ndjson", MediaType.APPLICATION_JSON})
    public Response export(@PathParam("run") String run, @QueryParam("format") String format) {
        Response missing = checkRun(run);
        if (missing != null) {
            return missing;
        }
        TraceReader.Format f;
        try {
            f = TraceReader.Format.parse(format == null ? "json" : format);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        if (store.assembledEpochs(run).isEmpty()) {
            return error(404, "run " + run + " has no assembled epoch yet");
        }
        try {
            java.nio.file.Path tmp = Files.createTempFile("nnstain-export-", f == TraceReader.Format.CSV ? ".csv" : ".jsonl");
            reader.export(run, f, tmp);
            byte[] body = Files.readAllBytes(tmp);
            Files.deleteIfExists(tmp);
            return Response.ok(body, f == TraceReader.Format.CSV ? "text/csv" : "application/x-ndjson")
                    .header("Content-Disposition", "attachment; filename=\"" + run + "." + (f == TraceReader.Format.CSV ? "csv" : "jsonl") + "\"")
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Response checkRun(String run) {
        if (run == null || !TraceStore.RUN_ID.matcher(run).matches()) {
            return error(400, "'" + run + "' is not a run id; run ids are letters, digits, '.', '_' or '-'");
        }
        if (!store.hasRun(run)) {
            return error(404, "no run '" + run + "' in the trace store; GET /runs lists the runs");
        }
        return null;
    }

    /** @param started the run's RunStarted, or null before it is stored (then any scanned epoch is possible) */
    private Response checkEpoch(String run, io.nnstain.store.StoredRun started, int epoch) {
        if (store.hasEpoch(run, epoch)) {
            return null;
        }
        List<Integer> scanned = started == null ? List.of() : started.scannedEpochs();
        if (!scanned.isEmpty() && !scanned.contains(epoch)) {
            return error(404, "E_" + epoch + " is not scanned in run " + run + "; scanned epochs: " + scanned);
        }
        return error(404, "E_" + epoch + " of run " + run + " is not assembled yet; assembled epochs: "
                + store.assembledEpochs(run));
    }

    /** @param started as for {@link #checkEpoch}: before it is stored, any layer is possible */
    private Response checkLayer(String run, io.nnstain.store.StoredRun started, String layer) {
        List<String> layers = started == null ? List.of() : started.layerNames();
        if (layers.isEmpty() || layers.contains(layer)) {
            return null;
        }
        return error(404, "no such layer '" + layer + "' in run " + run + "; layers: " + String.join(", ", layers));
    }

    private static int width(io.nnstain.store.StoredRun started, String layer) {
        int l = started == null ? -1 : started.layerIndex(layer);
        return l < 0 ? 0 : started.widths()[l];
    }

    private Response error(int status, String message) {
        ObjectNode node = json.createObjectNode();
        node.put("error", message);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(node).build();
    }
}
