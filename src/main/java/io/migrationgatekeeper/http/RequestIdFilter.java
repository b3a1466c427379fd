package io.migrationgatekeeper.http;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.migrationgatekeeper.problem.RequestIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a plain token, else the trace id of the
 * W3C {@code traceparent} (Micrometer Tracing continues the caller's trace), else a new one. The id goes back in
 * the response header, into the MDC (so every log line of the request carries it), and into problem bodies.
 * Runs before security, so 401s and 429s carry it too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class RequestIdFilter extends OncePerRequestFilter {

    private final ObjectProvider<Tracer> tracers;
    /** Looked up on first use, once: a lookup through the bean factory on every request costs more than the filter. */
    private volatile Optional<Tracer> tracer;

    RequestIdFilter(ObjectProvider<Tracer> tracers) {
        this.tracers = tracers;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = RequestIds.accept(request.getHeader(RequestIds.HEADER)).orElseGet(this::traceOrNew);
        request.setAttribute(RequestIds.ATTRIBUTE, id);
        response.setHeader(RequestIds.HEADER, id);
        MDC.put(RequestIds.MDC_KEY, id);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    private String traceOrNew() {
        Optional<Tracer> resolved = tracer;
        if (resolved == null) {
            resolved = Optional.ofNullable(tracers.getIfAvailable());
            tracer = resolved;
        }
        Span span = resolved.map(Tracer::currentSpan).orElse(null);
        return span != null ? span.context().traceId() : RequestIds.generate();
    }
}
