package io.migrationgatekeeper.problem;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads a request body up to a limit, refusing a declared or actual larger one without buffering it. */
public final class BoundedBody {

    private BoundedBody() {}

    public static byte[] read(HttpServletRequest request, long limit) {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        try (InputStream in = request.getInputStream()) {
            // Grown as bytes arrive, never sized up front from the Content-Length: a client that declares a megabyte
            // and sends three bytes costs three bytes, however many such clients stall at once.
            byte[] buffer = new byte[(int) Math.min(declared >= 0 ? declared : 8192, Math.min(limit, 64 * 1024)) + 1];
            int length = 0;
            while (true) {
                if (length == buffer.length) {
                    if (length > limit) {
                        throw tooLarge(limit);
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, limit + 1));
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
                if (length > limit) {
                    throw tooLarge(limit);
                }
            }
            return Arrays.copyOf(buffer, length);
        } catch (IOException e) {
            // Tomcat wraps the read timeout (gatekeeper.http.body-read-timeout) in a ClientAbortException.
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof java.net.SocketTimeoutException) {
                    throw new ApiException(ProblemType.REQUEST_TIMEOUT, "the request body stalled: no bytes arrived"
                            + " within gatekeeper.http.body-read-timeout");
                }
            }
            // A bad chunk, a body shorter than its Content-Length, a client that went away: the request's fault.
            throw new ApiException(ProblemType.BAD_REQUEST, "the request body could not be read: " + e.getMessage());
        }
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(ProblemType.BODY_TOO_LARGE, "the request body exceeds " + limit
                + " bytes").with("limit", limit);
    }
}
