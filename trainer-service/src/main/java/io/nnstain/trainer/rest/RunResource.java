package io.nnstain.trainer.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
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
            // a field given twice, or 1.5 for a whole number, is refused rather than silently read one way
            body = json.readerFor(RunRequest.class).with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .without(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                    .readValue(text == null || text.isBlank() ? "{}" : text);
        } catch (JsonProcessingException e) {
            String message = "the request body is not a valid run config: " + describe(e)
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

    /** What is wrong with the body, in terms of its fields, not of the classes that read it. */
    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'";
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(java.util.stream.Collectors.joining("."));
            Class<?> type = m.getTargetType();
            String expected = type == Integer.class || type == Long.class ? "a whole number"
                    : type == Double.class ? "a number" : type == Boolean.class ? "true or false"
                    : type == String.class ? "a string" : "another value";
            return field + " is not " + expected;
        }
        if (e instanceof MismatchedInputException) {
            return "the body is not a JSON object";
        }
        if (e instanceof com.fasterxml.jackson.core.exc.InputCoercionException) {
            return "a number is out of range: " + e.getOriginalMessage();
        }
        return "it is not JSON (" + e.getOriginalMessage() + ")";
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
