package io.nnstain.analyzer.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nnstain.analyzer.analysis.AnalysisService;
import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.config.AnalysisParams;
import io.nnstain.schemas.config.InvalidRunSpecException;
import io.nnstain.schemas.serde.AvroJson;
import io.nnstain.store.StoredRun;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structures over HTTP. Every endpoint takes {@code coverage}, {@code max-fraction} and {@code rule} as query
 * parameters (defaults: the service's); results for other parameters are computed from the stored trace on
 * first request, without retraining.
 */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
public class StructureResource {

    private static final Pattern EPOCH = Pattern.compile("(?:E_)?(0|[1-9][0-9]{0,8})");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final AnalysisService analysis;

    public StructureResource(AnalysisService analysis) {
        this.analysis = analysis;
    }

    /** Runs in the trace store, with the epochs analysed under the default parameters. */
    @GET
    public ArrayNode runs() {
        ArrayNode out = F.arrayNode();
        for (String run : analysis.store().runs()) {
            ObjectNode n = out.addObject();
            n.put("run_id", run);
            n.set("stored_epochs", AvroJson.plain(analysis.storedEpochs(run)));
        }
        return out;
    }

    /** Every class's structure at an epoch ({@code E_30}, {@code 30} or {@code latest}). */
    @GET
    @Path("/{run}/structures/{epoch}")
    public Response structures(@PathParam("run") String run, @PathParam("epoch") String epoch,
            @QueryParam("coverage") String coverage, @QueryParam("max-fraction") String maxFraction,
            @QueryParam("rule") String rule) {
        return answer(() -> {
            AnalysisParams params = params(coverage, maxFraction, rule);
            return AvroJson.toJson(analysis.structures(run, epoch(run, epoch), params));
        });
    }

    /** One class's structure, by index or by name. */
    @GET
    @Path("/{run}/structures/{epoch}/classes/{class}")
    public Response classStructure(@PathParam("run") String run, @PathParam("epoch") String epoch,
            @PathParam("class") String cls, @QueryParam("coverage") String coverage,
            @QueryParam("max-fraction") String maxFraction, @QueryParam("rule") String rule) {
        return answer(() -> {
            AnalysisParams params = params(coverage, maxFraction, rule);
            StoredRun stored = analysis.run(run);
            int c = classIndex(stored, cls);
            StructureSnapshot s = analysis.structures(run, epoch(run, epoch), params);
            ClassStructure structure = s.getClasses().get(c);
            ObjectNode node = AvroJson.toJson(structure);
            node.put("run_id", run);
            node.put("epoch", s.getEpoch());
            ArrayNode stains = node.putArray("stains");
            s.getStains().stream().filter(st -> st.getClasses().contains(c)).forEach(st -> stains.add(AvroJson.toJson(st)));
            return node;
        });
    }

    @GET
    @Path("/{run}/emergence")
    public Response emergence(@PathParam("run") String run, @QueryParam("coverage") String coverage,
            @QueryParam("max-fraction") String maxFraction, @QueryParam("rule") String rule) {
        return answer(() -> analysis.emergence(run, params(coverage, maxFraction, rule)));
    }

    /** Ablation of each class's structure against random same-size sets; the final stored epoch by default. */
    @GET
    @Path("/{run}/verification")
    public Response verification(@PathParam("run") String run, @QueryParam("epoch") String epoch,
            @QueryParam("draws") String draws, @QueryParam("coverage") String coverage,
            @QueryParam("max-fraction") String maxFraction, @QueryParam("rule") String rule) {
        return answer(() -> {
            AnalysisParams params = params(coverage, maxFraction, rule);
            int e = epoch == null || epoch.isBlank() ? epoch(run, "latest") : epoch(run, epoch);
            return analysis.verification(run, e, params, draws(draws));
        });
    }

    /** The network rebuilt from the trace at an epoch (default: the latest stored), run on the probe set. */
    @GET
    @Path("/{run}/predictions")
    public Response predictions(@PathParam("run") String run, @QueryParam("epoch") String epoch) {
        return answer(() -> analysis.predictions(run, epoch == null || epoch.isBlank() ? epoch(run, "latest")
                : epoch(run, epoch)));
    }

    /** Per class: structure size, settling epoch and ablation effect beside the random baseline. */
    @GET
    @Path("/{run}/summary")
    public Response summary(@PathParam("run") String run, @QueryParam("coverage") String coverage,
            @QueryParam("max-fraction") String maxFraction, @QueryParam("rule") String rule) {
        return answer(() -> analysis.summary(run, params(coverage, maxFraction, rule)));
    }

    /** Analyses every stored epoch again with these parameters (no retraining), then answers the summary. */
    @POST
    @Path("/{run}/analyses")
    public Response reanalyse(@PathParam("run") String run, @QueryParam("coverage") String coverage,
            @QueryParam("max-fraction") String maxFraction, @QueryParam("rule") String rule) {
        return answer(() -> {
            AnalysisParams params = params(coverage, maxFraction, rule);
            analysis.reanalyse(run, params);
            return analysis.summary(run, params);
        });
    }

    private static AnalysisParams params(String coverage, String maxFraction, String rule) {
        return AnalysisParams.parse(coverage, maxFraction, rule);
    }

    private int epoch(String run, String text) {
        if ("latest".equals(text)) {
            List<Integer> stored = analysis.storedEpochs(analysis.run(run).runId());
            if (stored.isEmpty()) {
                throw new AnalysisService.NotFound("run " + run + " has no stored epoch yet");
            }
            return stored.get(stored.size() - 1);
        }
        Matcher m = EPOCH.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an epoch; expected E_<n> (e.g. E_30), <n> or latest");
        }
        return Integer.parseInt(m.group(1));
    }

    private static int classIndex(StoredRun run, String text) {
        int byName = run.classNames().indexOf(text);
        if (byName >= 0) {
            return byName;
        }
        try {
            int c = Integer.parseInt(text);
            if (c >= 0 && c < run.classCount()) {
                return c;
            }
        } catch (NumberFormatException e) {
            // not an index either
        }
        throw new AnalysisService.NotFound("no class '" + text + "' in run " + run.runId() + "; classes: 0 to "
                + (run.classCount() - 1) + " or by name " + run.classNames());
    }

    private int draws(String text) {
        if (text == null || text.isBlank()) {
            return analysis.randomDraws();
        }
        try {
            int d = Integer.parseInt(text.trim());
            if (d >= 1 && d <= 1000) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("draws: '" + text + "' is not accepted; expected a whole number from 1 to 1000");
    }

    private static Response answer(Supplier<Object> body) {
        try {
            return Response.ok(body.get()).build();
        } catch (AnalysisService.NotFound e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        } catch (AnalysisService.NotAnalysable e) {
            return error(422, e.getMessage());
        } catch (InvalidRunSpecException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        } catch (IllegalArgumentException e) {
            // a malformed run id or epoch
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    private static Response error(Response.Status status, String message) {
        return error(status.getStatusCode(), message);
    }

    private static Response error(int status, String message) {
        ObjectNode n = F.objectNode();
        n.put("error", message);
        return Response.status(status).entity(n).type(MediaType.APPLICATION_JSON).build();
    }
}
