package io.migrationgatekeeper.http;

import io.migrationgatekeeper.problem.AllowedMethods;
import io.migrationgatekeeper.problem.ProblemAdvice;
import io.migrationgatekeeper.problem.ProblemType;
import io.migrationgatekeeper.problem.RequestIds;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the servlet container forwards to {@code /error} (a status set by {@code sendError}, such as 405 for TRACE,
 * or an exception outside Spring MVC): a problem document with that status, in place of Spring Boot's
 * {@code {"timestamp", "status", "error"}} JSON. {@code /error} itself is not an endpoint: asked for directly, it is
 * a 404 like any other unknown path.
 */
@RestController
class ProblemErrorController implements ErrorController {

    /** Looked up per error, not injected: the mappings are built from the controllers, this one included. */
    private final ObjectProvider<RequestMappingInfoHandlerMapping> mappings;

    ProblemErrorController(ObjectProvider<RequestMappingInfoHandlerMapping> mappings) {
        this.mappings = mappings;
    }

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<Object> error(HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response) {
        // Tomcat may have refused the request (TRACE) before the request id filter ever saw it.
        if (RequestIds.of(request) == null) {
            String id = RequestIds.accept(request.getHeader(RequestIds.HEADER)).orElseGet(RequestIds::generate);
            request.setAttribute(RequestIds.ATTRIBUTE, id);
            response.setHeader(RequestIds.HEADER, id);
        }
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (request.getDispatcherType() != DispatcherType.ERROR || !(status instanceof Integer code) || code < 400) {
            return ProblemAdvice.problem(ProblemType.NOT_FOUND, ProblemTypes.detail(ProblemType.NOT_FOUND, 404,
                    request.getMethod()), Map.of(), request);
        }
        ProblemType type = ProblemTypes.forStatus(code);
        String uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String original
                ? original : request.getRequestURI();
        // An error dispatch reports GET as its method; the container's own request still has the caller's.
        String method = originalMethod(request);
        String detail = ProblemTypes.detail(type, code, method);
        if (code == 405) {
            // Tomcat refused TRACE and listed every method HttpServlet implements; say what the path really has.
            Set<String> mapped = mappedMethods(uri);
            if (mapped.isEmpty()) {
                // No such path: Tomcat's Allow must go too, and reset() takes every header with it.
                String id = response.getHeader(RequestIds.HEADER);
                response.reset();
                if (id != null) {
                    response.setHeader(RequestIds.HEADER, id);
                }
                return ProblemAdvice.problem(ProblemType.NOT_FOUND, "no such endpoint: " + method + " "
                        + uri + " (see openapi.yaml)", Map.of(), new OriginalRequest(request, uri));
            }
            String allow = AllowedMethods.header(mapped);
            response.setHeader(HttpHeaders.ALLOW, allow);
            detail = AllowedMethods.detail(method, uri, allow);
        }
        return ProblemAdvice.problem(type, detail, Map.of(), new OriginalRequest(request, uri));
    }

    private static String originalMethod(HttpServletRequest request) {
        jakarta.servlet.ServletRequest inner = request;
        while (inner instanceof jakarta.servlet.ServletRequestWrapper wrapper) {
            inner = wrapper.getRequest();
        }
        return inner instanceof HttpServletRequest http ? http.getMethod() : request.getMethod();
    }

    private Set<String> mappedMethods(String uri) {
        PathContainer path;
        try {
            path = PathContainer.parsePath(uri);
        } catch (IllegalArgumentException unparsable) {
            return Set.of();
        }
        Set<String> methods = new HashSet<>();
        mappings.orderedStream().forEach(mapping -> mapping.getHandlerMethods().forEach((info, handler) -> {
            Set<RequestMethod> declared = info.getMethodsCondition().getMethods();
            if (!declared.isEmpty() && info.getPatternValues().stream()
                    .anyMatch(pattern -> PathPatternParser.defaultInstance.parse(pattern).matches(path))) {
                declared.forEach(m -> methods.add(m.name()));
            }
        }));
        return methods;
    }

    /** The failed request's path, not {@code /error}, as the problem's instance. */
    private static final class OriginalRequest extends jakarta.servlet.http.HttpServletRequestWrapper {

        private final String uri;

        OriginalRequest(HttpServletRequest request, String uri) {
            super(request);
            this.uri = uri;
        }

        @Override
        public String getRequestURI() {
            return uri;
        }
    }
}
