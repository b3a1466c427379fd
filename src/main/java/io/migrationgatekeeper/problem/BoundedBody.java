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
            byte[] buffer = new byte[(int) Math.min(declared >= 0 ? declared : 8192, limit) + 1];
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
        } catch (java.net.SocketTimeoutException e) {
            throw new ApiException(ProblemType.REQUEST_TIMEOUT, "the request body was not received in time");
        } catch (IOException e) {
            // A bad chunk, a body shorter than its Content-Length, a client that went away: the request's fault.
            throw new ApiException(ProblemType.BAD_REQUEST, "the request body could not be read: " + e.getMessage());
        }
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(ProblemType.BODY_TOO_LARGE, "the request body exceeds " + limit
                + " bytes").with("limit", limit);
    }
}
