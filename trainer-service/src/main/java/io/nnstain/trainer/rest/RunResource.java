package io.nnstain.trainer.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nnstain.schemas.config.InvalidRunSpecException;
import io.nnstain.trainer.training.RunService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    private final RunService runs;

    private final ObjectMapper json;

    public RunResource(RunService runs, ObjectMapper json) {
        this.runs = runs;
        this.json = json;
    }

    /** Submits a run: 202 with its id; 400 naming every invalid option; 429 when the queue is full. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(String text) {
        RunRequest body;
        try {
            body = text == null || text.isBlank() ? json.readValue("{}", RunRequest.class)
                    : json.readValue(text, RunRequest.class);
        } catch (JsonProcessingException e) {
            String message = "the request body is not a valid run config: " + e.getOriginalMessage()
                    + "; expected a JSON object with fields such as dataset, hidden, activation, optimizer,"
                    + " learning_rate, batch_size, epochs, seed, epoch_intervals, drop_batches";
            return Response.status(400).entity(new ErrorView(message, List.of(message))).build();
        }
        try {
            RunStatusView run = runs.submit(body.toSpec());
            return Response.accepted(run).location(URI.create("/runs/" + run.runId())).build();
        } catch (InvalidRunSpecException e) {
            return Response.status(400).entity(new ErrorView(e.getMessage(), e.problems())).build();
        } catch (RunService.QueueFullException e) {
            return Response.status(429).entity(new ErrorView(e.getMessage(), List.of(e.getMessage()))).build();
        }
    }

    @GET
    public List<RunStatusView> list() {
        return runs.list();
    }

    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") String id) {
        return runs.get(id).map(r -> Response.ok(r).build()).orElseGet(() -> Response.status(404)
                .entity(new ErrorView("no run '" + id + "' on this trainer; GET /runs lists them", List.of())).build());
    }
}
