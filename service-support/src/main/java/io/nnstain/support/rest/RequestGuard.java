package io.nnstain.support.rest;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses paths that no resource of ours can mean, before they reach one: matrix parameters (JAX-RS would
 * silently drop {@code ;DROP TABLE} from {@code E_0;DROP TABLE} and answer for {@code E_0}) and control
 * characters. Every refusal names the problem, as a 400 with an {@code error}.
 */
public class RequestGuard {

    /** Reads the path as it came on the wire: the JAX-RS view of it has matrix parameters removed already. */
    @ServerRequestFilter(preMatching = true)
    public Optional<Response> filter(HttpServerRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        String problem = problem(query < 0 ? uri : uri.substring(0, query));
        return problem == null ? Optional.empty() : Optional.of(Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", problem)).build());
    }

    /** Null when the raw (still percent-encoded) path is acceptable, otherwise why not. */
    static String problem(String rawPath) {
        if (rawPath.contains(";")) {
            return "';' (a matrix parameter) is not accepted in a path; runs, epochs, layers and signatures never"
                    + " contain it";
        }
        String lower = rawPath.toLowerCase(java.util.Locale.ROOT);
        for (int c = 0; c < 0x20; c++) {
            if (lower.contains(String.format("%%%02x", c)) || rawPath.indexOf(c) >= 0) {
                return "control characters are not accepted in a path";
            }
        }
        if (lower.contains("%7f")) {
            return "control characters are not accepted in a path";
        }
        return null;
    }
}
