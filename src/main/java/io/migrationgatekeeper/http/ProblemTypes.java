package io.migrationgatekeeper.http;

import io.migrationgatekeeper.problem.ProblemType;

/** The problem type for a bare status code, for answers made without an exception to go by. */
final class ProblemTypes {

    private ProblemTypes() {}

    static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> ProblemType.BAD_REQUEST;
            case 401 -> ProblemType.UNAUTHORIZED;
            case 403 -> ProblemType.FORBIDDEN;
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 408 -> ProblemType.REQUEST_TIMEOUT;
            case 413 -> ProblemType.BODY_TOO_LARGE;
            case 414 -> ProblemType.URI_TOO_LONG;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            case 431 -> ProblemType.HEADERS_TOO_LARGE;
            case 501 -> ProblemType.NOT_IMPLEMENTED;
            case 503 -> ProblemType.SERVICE_UNAVAILABLE;
            default -> status < 500 ? ProblemType.BAD_REQUEST : ProblemType.INTERNAL_ERROR;
        };
    }

    static String detail(ProblemType type, int status, String method) {
        return switch (type) {
            case BAD_REQUEST -> "the HTTP request is malformed or over a server limit (characters not allowed in the"
                    + " path or query, headers or query too large, too many parameters, a bad chunk in the body)";
            case NOT_FOUND -> "no such endpoint; see openapi.yaml";
            case METHOD_NOT_ALLOWED -> "method " + method + " is not allowed here";
            case NOT_IMPLEMENTED -> "method " + method + " is not an HTTP method this service implements";
            case REQUEST_TIMEOUT -> "the request was not received in time";
            case BODY_TOO_LARGE -> "the request body is too large";
            case URI_TOO_LONG -> "the request target is too long";
            case HEADERS_TOO_LARGE -> "the request headers are too large";
            case INTERNAL_ERROR -> "an unexpected error occurred; it has been logged";
            default -> type.title();
        };
    }
}
