package io.nnstain.support.rest;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Requests that match no resource get a JSON {@code error} saying what was wrong, like every other refusal of
 * ours, instead of an empty body or an HTML page.
 */
public class RequestErrors {

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        return error(404, "no resource at " + uri.getPath() + "; the services' paths are listed in the README");
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, jakarta.ws.rs.container.ContainerRequestContext request) {
        String allowed = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        return error(405, request.getMethod() + " is not allowed on " + request.getUriInfo().getPath()
                + (allowed == null ? "; see the README for each path's methods" : "; allowed: " + allowed));
    }

    @ServerExceptionMapper
    public Response notSupported(NotSupportedException e, HttpHeaders headers) {
        return error(415, "content type " + headers.getMediaType() + " is not accepted; send " + MediaType.APPLICATION_JSON);
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
