package io.migrationgatekeeper.http;

import io.migrationgatekeeper.problem.ProblemAdvice;
import io.migrationgatekeeper.problem.ProblemType;
import io.migrationgatekeeper.problem.RequestIds;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
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
        String detail = code == 405 && response.getHeader("Allow") != null
                ? "the method is not allowed here; allowed: " + response.getHeader("Allow")
                : ProblemTypes.detail(type, code, request.getMethod());
        return ProblemAdvice.problem(type, detail, Map.of(), new OriginalRequest(request, uri));
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
