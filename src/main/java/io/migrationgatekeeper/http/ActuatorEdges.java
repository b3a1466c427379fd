package io.migrationgatekeeper.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The actuator's edges answer like the API's. An {@code Accept} that names none of an endpoint's representations
 * (a browser's {@code text/html}, {@code application/xml}) is disregarded, as RFC 9110 allows, rather than a 406:
 * a probe or a curl gets the health or the metrics. One that names a representation still chooses it (Prometheus
 * text or OpenMetrics). And a path the actuator does not know ({@code /actuator/health/<no such component>}),
 * which it answers with an empty 404, is a problem+json 404 like any unknown path.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 3)
class ActuatorEdges extends OncePerRequestFilter {

    private static final List<MediaType> HEALTH = List.of(MediaType.APPLICATION_JSON,
            MediaType.parseMediaType("application/vnd.spring-boot.actuator.v3+json"),
            MediaType.parseMediaType("application/vnd.spring-boot.actuator.v2+json"));
    private static final List<MediaType> METRICS = List.of(MediaType.TEXT_PLAIN,
            MediaType.parseMediaType("application/openmetrics-text"));

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path == null || !(path.equals("/actuator") || path.startsWith("/actuator/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String accept = request.getHeader("Accept");
        HttpServletRequest forwarded = accept != null && !acceptable(accept, produced(request.getRequestURI()))
                ? new WithoutAccept(request) : request;
        chain.doFilter(forwarded, response);
        if (response.getStatus() == 404 && !response.isCommitted()) {
            response.resetBuffer();
            response.sendError(404);
        }
    }

    private static List<MediaType> produced(String path) {
        return path.startsWith("/actuator/prometheus") ? METRICS : HEALTH;
    }

    private static boolean acceptable(String accept, List<MediaType> produced) {
        List<MediaType> asked;
        try {
            asked = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException unreadable) {
            return false;
        }
        return asked.stream().anyMatch(a -> produced.stream().anyMatch(a::isCompatibleWith));
    }

    private static final class WithoutAccept extends HttpServletRequestWrapper {

        WithoutAccept(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return "Accept".equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "Accept".equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(n -> !"Accept".equalsIgnoreCase(n)).toList());
        }
    }
}
