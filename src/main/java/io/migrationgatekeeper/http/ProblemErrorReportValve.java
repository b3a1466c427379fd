package io.migrationgatekeeper.http;

import io.migrationgatekeeper.problem.JsonString;
import io.migrationgatekeeper.problem.ProblemType;
import io.migrationgatekeeper.problem.RequestIds;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's own error page, as a problem document: what Tomcat refuses before any filter or servlet sees the
 * request (a path with {@code |} in it, headers or a query over the size limit, too many parameters) would
 * otherwise get an HTML page. Tomcat creates this valve by class name, so it cannot use Spring's JSON mapper.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ProblemType type = ProblemTypes.forStatus(status);
        String id = RequestIds.of(request) != null ? RequestIds.of(request)
                : RequestIds.accept(request.getHeader(RequestIds.HEADER)).orElseGet(RequestIds::generate);
        StringBuilder problem = new StringBuilder(256).append("{\"type\":");
        JsonString.append(problem, type.uri().toString()).append(",\"title\":");
        JsonString.append(problem, type.title()).append(",\"status\":").append(status).append(",\"detail\":");
        JsonString.append(problem, ProblemTypes.detail(type, status, request.getMethod())).append(",\"requestId\":");
        String json = JsonString.append(problem, id).append('}').toString();
        try {
            response.setContentType("application/problem+json");
            response.setHeader(RequestIds.HEADER, id);
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            response.setContentLength(bytes.length);
            OutputStream out = response.getOutputStream();
            out.write(bytes);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response was committed meanwhile: nothing more to say.
        }
    }
}
