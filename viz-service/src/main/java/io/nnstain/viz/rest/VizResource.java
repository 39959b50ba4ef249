package io.nnstain.viz.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.serde.AvroJson;
import io.nnstain.store.StoredRun;
import io.nnstain.store.TraceStore;
import io.nnstain.viz.VizConfig;
import io.nnstain.viz.metrics.VizMetrics;
import io.nnstain.viz.report.Live;
import io.nnstain.viz.report.Pictures;
import io.nnstain.viz.report.Pictures.Format;
import io.nnstain.viz.report.Results;
import io.nnstain.viz.report.RunData;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** The pictures of runs over HTTP, the run list for the web UI, and the live stream of analysed epochs. */
@Path("/api/runs")
public class VizResource {

    private static final Pattern EPOCH = Pattern.compile("(?:E_)?(0|[1-9][0-9]{0,8})");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final RunData data;
    private final Results results;
    private final Live live;
    private final VizConfig config;

    private final VizMetrics metrics;

    public VizResource(Results results, Live live, VizConfig config, VizMetrics metrics) {
        this.metrics = metrics;
        this.data = results.data();
        this.results = results;
        this.live = live;
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ArrayNode runs() {
        ArrayNode out = F.arrayNode();
        for (String id : data.store().runs()) {
            data.run(id).ifPresent(run -> {
                ObjectNode n = out.addObject();
                n.put("run_id", id);
                n.put("dataset", run.dataset());
                n.set("analysed_epochs", AvroJson.plain(data.analysedEpochs(id)));
                n.put("final_epoch", run.finalEpoch());
                status(id, n);
                n.put("results", Files.exists(results.dir(id).resolve("index.html")) ? results.dir(id).toString() : null);
            });
        }
        return out;
    }

    @GET
    @Path("/{run}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response run(@PathParam("run") String id) {
        return answer(() -> {
            StoredRun run = stored(id);
            ObjectNode n = F.objectNode();
            n.put("run_id", id);
            n.put("dataset", run.dataset());
            n.set("layers", AvroJson.plain(run.layerNames()));
            n.set("widths", AvroJson.plain(java.util.Arrays.stream(run.widths()).boxed().toList()));
            n.set("class_names", AvroJson.plain(run.classNames()));
            n.set("scanned_epochs", AvroJson.plain(run.scannedEpochs()));
            n.set("analysed_epochs", AvroJson.plain(data.analysedEpochs(id)));
            n.put("collector_url", config.collectorUrl());
            status(id, n);
            java.nio.file.Path index = results.dir(id).resolve("index.html");
            n.put("results_index", Files.exists(index) ? index.toString() : null);
            return Response.ok(n).type(MediaType.APPLICATION_JSON).build();
        });
    }

    /**
     * The run's status as the trace tells it (RUNNING, COMPLETED, FAILED, DIVERGED, CANCELLED, ABANDONED) and,
     * when it did not complete, why.
     */
    private void status(String id, ObjectNode n) {
        TraceStore.RunOutcome outcome = data.store().outcome(id);
        n.put("status", outcome.status().name());
        if (outcome.detail() != null) {
            n.put("status_detail", outcome.detail());
        }
    }

    /** The stain at an epoch (default: the latest analysed), as SVG or PNG. */
    @GET
    @Path("/{run}/stain.{format}")
    public Response stain(@PathParam("run") String id, @PathParam("format") String format,
            @QueryParam("epoch") String epoch) {
        return answer(() -> {
            Format f = Format.of(format);
            StoredRun run = stored(id);
            int e = epoch(id, epoch);
            StructureSnapshot s = data.structures(id, e).orElseThrow(() -> new NotFound("E_" + e + " of run " + id
                    + " has no structures (yet); analysed epochs: " + data.analysedEpochs(id)));
            return picture(metrics.render("stain", f.extension(), () -> Pictures.stain(s, run, f)), f);
        });
    }

    @GET
    @Path("/{run}/curves.{format}")
    public Response curves(@PathParam("run") String id, @PathParam("format") String format) {
        return answer(() -> {
            Format f = Format.of(format);
            StoredRun run = stored(id);
            var figures = data.figures(run);
            if (figures.isEmpty()) {
                throw new NotFound("run " + id + " has no stored epoch yet");
            }
            return picture(metrics.render("curves", f.extension(), () -> Pictures.curves(run, figures, f)), f);
        });
    }

    @GET
    @Path("/{run}/emergence.{format}")
    public Response emergence(@PathParam("run") String id, @PathParam("format") String format) {
        return answer(() -> {
            Format f = Format.of(format);
            stored(id);
            var emergence = data.emergence(id).orElseThrow(() -> new NotFound("run " + id
                    + " has no emergence yet: the analyzer writes it after the final epoch"));
            return picture(metrics.render("emergence", f.extension(), () -> Pictures.emergence(emergence, f)), f);
        });
    }

    @GET
    @Path("/{run}/input-stains.{format}")
    public Response input(@PathParam("run") String id, @PathParam("format") String format,
            @QueryParam("epoch") String epoch) {
        return answer(() -> {
            Format f = Format.of(format);
            StoredRun run = stored(id);
            int e = epoch(id, epoch);
            StructureSnapshot s = data.structures(id, e).orElseThrow(() -> new NotFound("E_" + e + " of run " + id
                    + " has no structures (yet)"));
            return picture(metrics.render("input-stains", f.extension(), () -> Pictures.input(s, run, data.network(run, e), f)), f);
        });
    }

    /** Neuron × epoch heatmaps of a layer (default: the first hidden layer) over every stored epoch. */
    @GET
    @Path("/{run}/heatmaps.{format}")
    public Response heatmaps(@PathParam("run") String id, @PathParam("format") String format,
            @QueryParam("layer") String layer) {
        return answer(() -> {
            Format f = Format.of(format);
            StoredRun run = stored(id);
            String name = layer == null || layer.isBlank() ? run.layerNames().get(Math.min(1, run.layerCount() - 1))
                    : layer;
            if (run.layerIndex(name) < 0) {
                throw new IllegalArgumentException("run " + id + " has no layer '" + name + "'; layers: "
                        + String.join(", ", run.layerNames()));
            }
            if (data.store().assembledEpochs(id).isEmpty()) {
                throw new NotFound("run " + id + " has no stored epoch yet");
            }
            return picture(metrics.render("heatmaps", f.extension(), () -> Pictures.heatmaps(data.heatmaps(run, name), f)), f);
        });
    }

    /** Writes the run's results/ folder now (it is written by itself after the final epoch). */
    @POST
    @Path("/{run}/results")
    @Produces(MediaType.APPLICATION_JSON)
    public Response writeResults(@PathParam("run") String id) {
        return answer(() -> {
            stored(id);
            java.nio.file.Path dir = results.write(id).orElseThrow(() -> new NotFound("the final epoch of run " + id
                    + " is not analysed yet"));
            ObjectNode n = F.objectNode();
            n.put("run_id", id);
            n.put("results", dir.toString());
            n.put("index", dir.resolve("index.html").toString());
            return Response.ok(n).type(MediaType.APPLICATION_JSON).build();
        });
    }

    /** Server-sent events: {"run_id": …, "epoch": …} for every epoch of the run analysed from now on. */
    @GET
    @Path("/{run}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<Live.Analysed> events(@PathParam("run") String id) {
        return live.of(id);
    }

    private StoredRun stored(String id) {
        return data.run(id).orElseThrow(() -> new NotFound("no run '" + id + "'; runs: "
                + String.join(", ", data.store().runs())));
    }

    private int epoch(String id, String text) {
        if (text == null || text.isBlank() || text.equals("latest")) {
            List<Integer> analysed = data.analysedEpochs(id);
            if (analysed.isEmpty()) {
                throw new NotFound("run " + id + " has no analysed epoch yet");
            }
            return analysed.get(analysed.size() - 1);
        }
        Matcher m = EPOCH.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an epoch; expected E_<n> (e.g. E_30), <n> or latest");
        }
        return Integer.parseInt(m.group(1));
    }

    private static Response picture(byte[] bytes, Format f) {
        return Response.ok(bytes).type(f.mediaType).header("Cache-Control", "no-store").build();
    }

    private static Response answer(Supplier<Response> body) {
        try {
            return body.get();
        } catch (NotFound e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    private static Response error(Response.Status status, String message) {
        ObjectNode n = F.objectNode();
        n.put("error", message);
        return Response.status(status).entity(n).type(MediaType.APPLICATION_JSON).build();
    }

    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}
